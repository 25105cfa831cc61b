import Foundation

/// Where login failures are counted per identifier: in memory for one node, in Redis for many.
///
/// The caller normalises the identifier (e-mail lower-cased, phone in E.164, …); the store
/// keys it by its ``IdentifierDigest`` only, so a dump of Redis shows no e-mail or phone
/// number. Both backends pass one contract suite (`LoginFailureStoreContractTests`), and
/// counting is atomic: 20 failures at once count 20. Stores throw
/// ``RateLimitStoreError/unavailable(_:)`` when they cannot answer. ``LoginThrottle`` is
/// the rule built on this; call the store directly only to test it.
/// ```swift
/// let state = try await store.recordFailure(for: "ada@example.com", policy: LoginBackoffPolicy(), now: clock.now())
/// if let lockedUntil = state.lockedUntil { … } // TOO_MANY_ATTEMPTS until then
/// ```
public protocol LoginFailureStore: Sendable {
    /// The failures counted for `identifier` and the lock in force at `now`. An identifier
    /// whose count has started over reads as no failures and no lock.
    func state(for identifier: String, now: Date) async throws -> LoginFailureState
    /// Counts one failure at `now` and locks the identifier for the wait `policy` imposes.
    /// The count starts over first when `policy.resetAfter` has passed since the last failure.
    func recordFailure(for identifier: String, policy: LoginBackoffPolicy, now: Date) async throws -> LoginFailureState
    /// Forgets the identifier's failures and lock: after a successful login, or by an admin.
    func reset(_ identifier: String) async throws
}

/// Failures counted for one identifier, and the lock they impose.
public struct LoginFailureState: Sendable, Equatable {
    /// Failures since the count last started over.
    public var failures: Int
    /// No password may be tried before this time; nil when it is not in the future.
    public var lockedUntil: Date?

    public init(failures: Int = 0, lockedUntil: Date? = nil) {
        self.failures = failures
        self.lockedUntil = lockedUntil
    }

    /// Whether a login attempt at `now` must wait.
    public func isLocked(at now: Date) -> Bool {
        lockedUntil.map { now < $0 } ?? false
    }
}
