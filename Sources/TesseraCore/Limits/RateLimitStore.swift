import Foundation

/// Where the limiter keeps one timestamp per rule and key: in memory for one node, in Redis
/// for many.
///
/// Both backends pass one contract suite (`RateLimitStoreContractTests`), so they admit the
/// same requests and name the same waits, to the millisecond. Each acquire is atomic: 50
/// simultaneous requests against a burst of 10 admit exactly 10. A refusal changes nothing,
/// so a client that keeps knocking is admitted as soon as the rate allows, no later. Keys
/// are stored as ``IdentifierDigest``s: a dump shows no address, e-mail or phone number.
/// ```swift
/// let rule = RateLimitRule(name: "codes.ip", limit: 20, period: .seconds(3600))
/// switch try await store.acquire(rule, key: clientAddress, now: clock.now()) {
/// case .allowed(let remaining): …
/// case .limited(let retryAfter): …
/// }
/// ```
public protocol RateLimitStore: Sendable {
    /// Admits one request under `rule` for `key` at `now`, or says how long until one would
    /// be admitted. Throws ``RateLimitStoreError/unavailable(_:)`` when the store cannot answer.
    func acquire(_ rule: RateLimitRule, key: String, now: Date) async throws -> RateLimitDecision
}

public enum RateLimitDecision: Sendable, Equatable {
    /// Admitted; `remaining` more requests would be admitted right now.
    case allowed(remaining: Int)
    /// Refused; a request made `retryAfter` from now (whole milliseconds, rounded up) is admitted.
    case limited(retryAfter: Duration)
}

/// What the stores of rate limits and login failures throw.
public enum RateLimitStoreError: Error, Equatable {
    /// The store cannot be reached; callers fail closed (503) rather than stop limiting.
    case unavailable(String)
}
