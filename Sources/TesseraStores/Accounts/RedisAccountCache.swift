import Foundation
import RESP
import TesseraCore

/// Accounts by id in Redis, shared by every node: a write on one node deletes the entry
/// before it returns, so the next request on any node reads the account afresh.
///
/// | key | type | holds |
/// |---|---|---|
/// | `<ns>:{user:<id>}` | string | the account as JSON, without its password hash; TTL `lifetime` |
///
/// The TTL only bounds what a write made around Tessera (straight into SQL) leaves stale.
/// ```swift
/// let accounts = CachedAccountStore(store, cache: RedisAccountCache(client: client))
/// ```
public struct RedisAccountCache: AccountCache {
    private let client: RedisClient
    private let namespace: String
    private let lifetime: Duration

    public init(client: RedisClient, namespace: String = "tessera", lifetime: Duration = .seconds(600)) {
        self.client = client
        self.namespace = namespace
        self.lifetime = lifetime
    }

    public func account(_ id: String) async throws -> User? {
        let reply = try await send(RedisCommand(["GET", key(id)]))
        guard let json = reply.string else { return nil }
        // An entry this version cannot read is a miss, not an outage.
        return try? JSONDecoder().decode(User.self, from: Data(json.utf8))
    }

    public func keep(_ user: User) async throws {
        let json = String(decoding: try JSONEncoder().encode(user.withoutPasswordHash), as: UTF8.self)
        _ = try await send(RedisCommand(["SET", key(user.id), json, "PX", String(lifetime.milliseconds)]))
    }

    public func forget(_ id: String) async throws {
        _ = try await send(RedisCommand(["DEL", key(id)]))
    }

    private func key(_ id: String) -> String { "\(namespace):{user:\(id)}" }

    private func send(_ command: RedisCommand) async throws -> RESPValue {
        do {
            return try await client.send(command)
        } catch let error as RedisClientError {
            throw AccountStoreError.unavailable(error.description)
        }
    }
}
