/// Where accounts read by id are kept between requests: Redis for a cluster (shared by
/// every node), memory for one node. `CachedAccountStore` puts one in front of an
/// ``AccountStore`` (cache-aside) and drops an account's entry on every write to it.
///
/// A miss comes with a ``AccountCacheStamp``: the state of the account's writes when the
/// cache was asked. ``keep(_:readAfter:)`` puts the account in only while that stamp is
/// still current, so an account read from the store before a write, and offered to the cache
/// after the write's ``forget(_:)``, is turned away instead of being served, stale, for the
/// entry's lifetime (a role taken away coming back).
///
/// Entries never hold a password hash, so a dump of Redis holds none: what the cache hands
/// back has `passwordHash == nil`, and ``AccountService`` reads the hash from the store when
/// it needs it (a password change). Caches throw
/// ``AccountStoreError/unavailable(_:)`` when they cannot answer, and the request fails
/// closed rather than trust what might be stale.
/// ```swift
/// switch try await cache.lookup("u1") {
/// case .hit(let user): …                                         // served from the cache
/// case .miss(let stamp):
///     if let user = try await store.find(.id("u1")) {
///         _ = try await cache.keep(user, readAfter: stamp)      // only if no write came between
///     }
/// }
/// try await cache.forget("u1")                                   // around every write
/// ```
public protocol AccountCache: Sendable {
    /// The account's entry, or a miss and the stamp a later ``keep(_:readAfter:)`` needs.
    func lookup(_ id: String) async throws -> AccountCacheLookup
    /// Keeps `user`, read from the store after `stamp` was handed out, unless the account
    /// has been forgotten since; returns whether it was kept.
    @discardableResult
    func keep(_ user: User, readAfter stamp: AccountCacheStamp) async throws -> Bool
    /// Drops the account's entry and makes every stamp handed out before stale.
    func forget(_ id: String) async throws
}

/// What an ``AccountCache`` answers for an id.
public enum AccountCacheLookup: Sendable, Equatable {
    case hit(User)
    case miss(AccountCacheStamp)

    public var user: User? {
        if case .hit(let user) = self { return user }
        return nil
    }
}

/// The state of an account's writes as a cache saw it at a miss: opaque, compared only by
/// the cache that made it.
public struct AccountCacheStamp: Sendable, Hashable {
    public let value: String

    public init(_ value: String) {
        self.value = value
    }
}

extension AccountCache {
    /// The cached account, or `nil` on a miss.
    public func account(_ id: String) async throws -> User? {
        try await lookup(id).user
    }
}

extension User {
    /// The account as a cache keeps it: no password hash.
    public var withoutPasswordHash: User {
        var copy = self
        copy.passwordHash = nil
        return copy
    }
}
