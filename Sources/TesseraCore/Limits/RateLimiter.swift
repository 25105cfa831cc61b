import Foundation

/// The rate limiter: rules applied to keys against a shared store, at the clock's time.
///
/// One limiter serves every rule — per IP, per account identifier, per destination, per
/// route — and the middleware apps put in front of their own routes. A store that cannot
/// answer fails the request closed (``TesseraError/storeUnavailable``): an outage of Redis
/// must not switch brute-force protection off.
/// ```swift
/// let limiter = RateLimiter(store: RedisRateLimitStore(client: redis))
/// let rule = RateLimitRule(name: "codes.destination", limit: 5, period: .seconds(3600), burst: 1)
/// if case .limited(let retryAfter) = try await limiter.acquire(rule, key: destination) {
///     // 429, Retry-After: retryAfter rounded up to whole seconds
/// }
/// ```
public struct RateLimiter: Sendable {
    public let store: any RateLimitStore
    public let clock: any WallClock
    private let identifiers: IdentifierKey?

    /// - Parameter identifiers: when given, the store sees each key only keyed under it
    ///   (see ``IdentifierKey``); every node sharing a store must use the same.
    public init(store: any RateLimitStore, clock: any WallClock = SystemWallClock(), identifiers: IdentifierKey? = nil) {
        self.store = store
        self.clock = clock
        self.identifiers = identifiers
    }

    /// Admits one request under `rule` for `key`, or says how long to wait.
    public func acquire(_ rule: RateLimitRule, key: String) async throws -> RateLimitDecision {
        let key = identifiers?(key) ?? key
        do {
            return try await store.acquire(rule, key: key, now: clock.now())
        } catch RateLimitStoreError.unavailable {
            throw TesseraError.storeUnavailable
        }
    }
}
