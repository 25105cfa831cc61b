/// Where accounts read by id are kept between requests: Redis for a cluster (shared by
/// every node), memory for one node. `CachedAccountStore` puts one in front of an
/// ``AccountStore`` (cache-aside) and drops an account's entry on every write to it.
///
/// Entries never hold a password hash, so a dump of Redis holds none: what the cache hands
/// back has `passwordHash == nil`, and ``AccountService`` reads the hash from the store when
/// it needs it (a password change). Caches throw
/// ``AccountStoreError/unavailable(_:)`` when they cannot answer, and the request fails
/// closed rather than trust what might be stale.
/// ```swift
/// if let user = try await cache.account("u1") { … }    // a hit
/// try await cache.keep(user)                             // after reading the store
/// try await cache.forget("u1")                           // around every write
/// ```
public protocol AccountCache: Sendable {
    func account(_ id: String) async throws -> User?
    func keep(_ user: User) async throws
    func forget(_ id: String) async throws
}

extension User {
    /// The account as a cache keeps it: no password hash.
    public var withoutPasswordHash: User {
        var copy = self
        copy.passwordHash = nil
        return copy
    }
}
