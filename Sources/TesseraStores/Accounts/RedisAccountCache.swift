import RESP
import TesseraCore

/// Accounts by id in Redis, shared by every node: a write on one node deletes the entry
/// before it returns, so the next request on any node reads the account afresh.
///
/// | key | type | holds |
/// |---|---|---|
/// | `<ns>:{u:<tag>}:a:<id>` | hash | the account without its password hash (``CachedAccountEntry``); TTL `lifetime` |
/// | `<ns>:{u:<tag>}:aw:<id>` | string | the account's write stamp: random, replaced by every ``forget(_:)``; TTL 1 hour |
///
/// A miss answers the write stamp with it, and `keep_account.lua` writes the entry only while
/// the stamp is unchanged: a read that began before a write cannot put its copy back after
/// the write's delete. The stamp outlives any read in flight by far (reads are bounded by
/// the database deadline and the Redis timeouts, seconds), and a random value, unlike a
/// counter, cannot come back after the key expires.
///
/// The entry sits in the user's slot, beside the user's sessions (`<tag>` is the user's
/// shard tag, from the server key), so ``RedisSessionStore`` reads it in the same script
/// that checks a session: one round trip per authenticated request. The TTL only bounds
/// what a write made around Tessera (straight into SQL) leaves stale.
/// ```swift
/// let cache = RedisAccountCache(client: client, tokens: SessionTokens(serverKey: key))
/// let accounts = CachedAccountStore(store, cache: cache)
/// ```
public struct RedisAccountCache: AccountCache {
    private let client: RedisClient
    private let keys: RedisUserKeys
    private let tokens: SessionTokens
    private let lifetime: Duration

    /// - Parameter tokens: the session tokens of the same server key, for users' shard tags.
    public init(client: RedisClient, tokens: SessionTokens, namespace: String = "tessera", lifetime: Duration = .seconds(600)) {
        self.client = client
        self.keys = RedisUserKeys(namespace: namespace)
        self.tokens = tokens
        self.lifetime = lifetime
    }

    public func lookup(_ id: String) async throws -> AccountCacheLookup {
        let replies: [Result<RESPValue, RedisClientError>]
        do {
            replies = try await client.pipeline([RedisCommand(["HGETALL", key(id)]), RedisCommand(["GET", stampKey(id)])])
        } catch let error as RedisClientError {
            throw AccountStoreError.unavailable(error.description)
        }
        guard replies.count == 2 else { throw AccountStoreError.unavailable("the account cache answered \(replies.count) replies to 2 commands") }
        let entry: RESPValue, stamp: RESPValue
        do {
            (entry, stamp) = (try replies[0].get(), try replies[1].get())
        } catch {
            throw AccountStoreError.unavailable(String(describing: error))
        }
        if let user = Self.decode(entry) { return .hit(user) }
        return .miss(AccountCacheStamp(stamp.string ?? ""))
    }

    @discardableResult
    public func keep(_ user: User, readAfter stamp: AccountCacheStamp) async throws -> Bool {
        let arguments = [String(lifetime.milliseconds), stamp.value] + CachedAccountEntry.fields(of: user)
        let reply = try await client.run(
            Self.keepScript, keys: [key(user.id), stampKey(user.id)], arguments: arguments, unavailable: AccountStoreError.unavailable)
        return reply.int == 1
    }

    /// Acknowledged by a replica where there is one: a delete lost in a failover would bring
    /// back an entry from before a ban or a role taken away, for the rest of its lifetime.
    public func forget(_ id: String) async throws {
        let stamp = SecureRandom.identifier(length: 16)
        _ = try await client.runAcknowledged(
            Self.forgetScript, keys: [key(id), stampKey(id)], arguments: [stamp, String(Self.stampLifetime.milliseconds)],
            unavailable: AccountStoreError.unavailable)
    }

    /// Far longer than a read can be in flight between its miss and its keep.
    static let stampLifetime = Duration.seconds(3600)

    private func key(_ id: String) -> String { keys.prefix(tokens.tag(forUserID: id)) + RedisUserKeys.accountInfix + id }
    private func stampKey(_ id: String) -> String { keys.prefix(tokens.tag(forUserID: id)) + RedisUserKeys.accountStampInfix + id }

    /// An entry as `HGETALL` answers it; one this version cannot read is a miss, not an
    /// outage.
    static func decode(_ reply: RESPValue) -> User? {
        guard let pairs = reply.map else { return nil }
        return CachedAccountEntry.user(from: pairs.flatMap { [$0.key.string, $0.value.string] })
    }

    private static let keepScript = BundledScript.load("keep_account")
    private static let forgetScript = BundledScript.load("forget_account")
}
