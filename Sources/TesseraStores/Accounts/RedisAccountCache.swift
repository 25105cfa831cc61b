import RESP
import TesseraCore

/// Accounts by id in Redis, shared by every node: a write on one node deletes the entry
/// before it returns, so the next request on any node reads the account afresh.
///
/// | key | type | holds |
/// |---|---|---|
/// | `<ns>:{u:<tag>}:a:<id>` | hash | the account without its password hash (``CachedAccountEntry``); TTL `lifetime` |
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

    public func account(_ id: String) async throws -> User? {
        let reply = try await send(RedisCommand(["HGETALL", key(id)]))
        return Self.decode(reply)
    }

    public func keep(_ user: User) async throws {
        let arguments = [String(lifetime.milliseconds)] + CachedAccountEntry.fields(of: user)
        _ = try await client.run(Self.keepScript, keys: [key(user.id)], arguments: arguments, unavailable: AccountStoreError.unavailable)
    }

    /// Acknowledged by a replica where there is one: a delete lost in a failover would bring
    /// back an entry from before a ban or a role taken away, for the rest of its lifetime.
    public func forget(_ id: String) async throws {
        _ = try await client.sendAcknowledged(RedisCommand(["DEL", key(id)]), unavailable: AccountStoreError.unavailable)
    }

    private func key(_ id: String) -> String { keys.prefix(tokens.tag(forUserID: id)) + RedisUserKeys.accountInfix + id }

    /// An entry as `HGETALL` answers it; one this version cannot read is a miss, not an
    /// outage.
    static func decode(_ reply: RESPValue) -> User? {
        guard let pairs = reply.map else { return nil }
        return CachedAccountEntry.user(from: pairs.flatMap { [$0.key.string, $0.value.string] })
    }

    private static let keepScript = BundledScript.load("keep_account")

    private func send(_ command: RedisCommand) async throws -> RESPValue {
        try await client.send(command, unavailable: AccountStoreError.unavailable)
    }
}
