import Crypto
import Foundation
import RESP
import TesseraCore
import TesseraStores

/// Reads Tessera sessions straight from the store Tessera writes them to: the same Redis,
/// the same namespace, the same server key. No request goes to Tessera; checking a token is
/// the one Redis round trip Tessera itself makes (a script that reads, checks and renews
/// when due, and reads the cached account in the user's slot), plus an account lookup for
/// the username and roles when the cache has none.
///
/// What it needs, and why:
/// - the **server key**: tokens carry a MAC under it, so a forged token is refused without
///   touching Redis, and users' shard tags derive from it;
/// - the **Redis URL and namespace** of the sessions;
/// - the **accounts** (the PostgreSQL database, read only), because roles and the disabled
///   flag live there, not in the session. Wrapping them in `CachedAccountStore` with a
///   `RedisAccountCache` on the same Redis shares Tessera's cache, which Tessera clears on
///   every account write;
/// - the **renewal interval** Tessera uses (a tenth of its idle timeout by default), so the
///   app's requests keep a session alive exactly as Tessera's would.
///
/// ```swift
/// let redis = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:6379"))
/// let tokens = SessionTokens(serverKey: SymmetricKey(data: key))
/// let accounts = CachedAccountStore(
///     try await PostgresAccountStore(url: databaseURL), cache: RedisAccountCache(client: redis, tokens: tokens))
/// let tessera = TesseraSharedStore(redis: redis, serverKey: key, accounts: accounts)
/// router.add(middleware: TesseraSessionMiddleware(tessera))
/// ```
public struct TesseraSharedStore: TesseraSessionSource {
    public let sessions: SessionService
    public let accounts: any AccountStore

    /// - Parameters:
    ///   - serverKey: Tessera's `--server-key`, the bytes (at least 32).
    ///   - namespace: Tessera's `--redis-namespace`.
    ///   - idleTimeout: Tessera's `--idle-timeout`; only the renewal throttle derives from it,
    ///     each session keeps the idle timeout it was created with.
    public init(
        redis: RedisClient, serverKey: [UInt8], namespace: String = "tessera", accounts: any AccountStore,
        idleTimeout: Duration = .seconds(30 * 60)
    ) {
        let policy = SessionPolicy(idleTimeout: idleTimeout)
        self.init(
            sessions: SessionService(
                tokens: SessionTokens(serverKey: SymmetricKey(data: serverKey)),
                store: RedisSessionStore(client: redis, namespace: namespace, readsCachedAccounts: true), policy: policy),
            accounts: accounts)
    }

    /// Any session service, e.g. over a memory store in a unit test.
    public init(sessions: SessionService, accounts: any AccountStore) {
        self.sessions = sessions
        self.accounts = accounts
    }

    public func identify(token: String) async throws -> TesseraSessionCheck {
        guard let ref = sessions.tokens.parse(token) else { return .refused(.invalidToken) }
        do {
            let (check, cached) = try await sessions.checkReadingAccount(ref)
            switch check {
            case .refused(let reason):
                return .refused(reason)
            case .active(let session):
                // An anonymous visitor's session is not an identity.
                guard let userID = session.userID else { return .refused(.notLoggedIn) }
                let found = cached?.id == userID ? cached : try await accounts.find(.id(userID))
                guard let user = found else { return .refused(.invalidToken) }
                if user.isDisabled(at: sessions.clock.now()) { return .refused(.accountDisabled) }
                return .accepted(TesseraIdentity(userID: user.id, username: user.username, roles: user.roles, sessionID: session.id))
            }
        } catch TesseraError.storeUnavailable, is AccountStoreError, is SessionStoreError {
            throw TesseraClientError(.storeUnavailable)
        }
    }

    /// The data of the session `identity` was read from: JSON attributes, typed.
    public func data(of identity: TesseraIdentity) -> TesseraSessionData {
        TesseraSessionData(
            sessions: sessions, ref: SessionRef(tag: sessions.tokens.tag(forUserID: identity.userID), id: identity.sessionID))
    }
}
