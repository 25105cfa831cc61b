import Foundation
import TesseraCore

/// Cache-aside in front of an ``AccountStore`` for the hot path: the account behind every
/// authenticated request is read by id from an ``AccountCache`` — Redis for a cluster,
/// memory for one node.
///
/// Every write through this store deletes the account's entry before and after the write,
/// and returns only once both deletes are done: with the Redis cache, the next request on
/// any node reads the account afresh (a role taken away on node A is gone on node B at
/// once). The first delete keeps a write from happening while the cache cannot be told; the
/// second removes what a concurrent read may have put back from before the write, and makes
/// the stamp of any read still in flight stale, so that read cannot put it back later (see
/// ``AccountCache``). Cached accounts carry no password hash.
/// ```swift
/// let accounts = CachedAccountStore(try await SQLiteAccountStore(path: path), cache: RedisAccountCache(client: redis))
/// ```
public final class CachedAccountStore: AccountStore {
    private let upstream: any AccountStore
    private let cache: any AccountCache

    public init(_ upstream: any AccountStore, cache: any AccountCache = MemoryAccountCache()) {
        self.upstream = upstream
        self.cache = cache
    }

    /// A cache that cannot answer is passed by, not obeyed: the account store is the truth,
    /// and one Redis Cluster shard in failover must not fail the sessions of the others,
    /// whose accounts may be cached there. Writes still need the cache (see `writing`).
    public func find(_ identifier: AccountIdentifier) async throws -> User? {
        guard case .id(let id) = identifier else { return try await upstream.find(identifier) }
        let lookup = try? await cache.lookup(id)
        if case .hit(let cached) = lookup { return cached }
        let user = try await upstream.find(identifier)
        if let user, case .miss(let stamp) = lookup { _ = try? await cache.keep(user, readAfter: stamp) }
        return user
    }

    public func create(_ account: NewAccount) async throws -> User {
        try await upstream.create(account)
    }

    public func search(_ query: String, limit: Int) async throws -> [User] {
        try await upstream.search(query, limit: limit)
    }

    public func setPasswordHash(_ hash: String, for userID: String) async throws -> Bool {
        try await writing(userID) { try await upstream.setPasswordHash(hash, for: userID) }
    }

    public func setRoles(_ roles: [String], for userID: String) async throws -> User? {
        try await writing(userID) { try await upstream.setRoles(roles, for: userID) }
    }

    public func setStatus(_ status: AccountStatus, for userID: String) async throws -> Bool {
        try await writing(userID) { try await upstream.setStatus(status, for: userID) }
    }

    public func setVerified(_ address: ContactAddress, _ verified: Bool, for userID: String) async throws -> Bool {
        try await writing(userID) { try await upstream.setVerified(address, verified, for: userID) }
    }

    public func ping() async throws {
        try await upstream.ping()
    }

    public func close() async throws {
        try await upstream.close()
    }

    private func writing<T>(_ userID: String, _ write: () async throws -> T) async throws -> T {
        try await cache.forget(userID)
        let result: T
        do {
            result = try await write()
        } catch {
            try? await cache.forget(userID)
            throw error
        }
        try await cache.forget(userID)
        return result
    }
}
