import Foundation

/// The login back-off rule: before a password is checked, whether the identifier must wait;
/// after, count the failure or clear the count.
///
/// An attempt that must wait is refused (`TOO_MANY_ATTEMPTS`, 429 with `Retry-After`)
/// without checking the password and is not itself a failure: the answer during a lock says
/// nothing about the password, so there is nothing to punish. A store that cannot answer
/// fails the login closed (``TesseraError/storeUnavailable``).
/// ```swift
/// let throttle = LoginThrottle(store: MemoryLoginFailureStore(), policy: LoginBackoffPolicy())
/// if let wait = try await throttle.wait(for: identifier) {
///     // 429 TOO_MANY_ATTEMPTS, Retry-After: wait rounded up to whole seconds
/// }
/// if passwordMatches {
///     try await throttle.recordSuccess(for: identifier)
/// } else {
///     try await throttle.recordFailure(for: identifier)
/// }
/// ```
public struct LoginThrottle: Sendable {
    public let store: any LoginFailureStore
    public let policy: LoginBackoffPolicy
    public let clock: any WallClock
    private let identifiers: IdentifierKey?

    /// - Parameter identifiers: when given, the store sees each identifier only keyed under it
    ///   (see ``IdentifierKey``); every node sharing a store must use the same.
    public init(
        store: any LoginFailureStore, policy: LoginBackoffPolicy = LoginBackoffPolicy(), clock: any WallClock = SystemWallClock(),
        identifiers: IdentifierKey? = nil
    ) {
        self.store = store
        self.policy = policy
        self.clock = clock
        self.identifiers = identifiers
    }

    /// How long `identifier` must still wait before a password may be tried; nil when it may now.
    public func wait(for identifier: String) async throws -> Duration? {
        let identifier = self.identifier(identifier)
        let now = clock.now()
        let state = try await unavailableAsError { try await store.state(for: identifier, now: now) }
        return Self.remaining(until: state.lockedUntil, from: now)
    }

    /// Counts a failed login; returns the wait it imposes, nil while under the threshold.
    @discardableResult
    public func recordFailure(for identifier: String) async throws -> Duration? {
        let identifier = self.identifier(identifier)
        let now = clock.now()
        let state = try await unavailableAsError { try await store.recordFailure(for: identifier, policy: policy, now: now) }
        return Self.remaining(until: state.lockedUntil, from: now)
    }

    /// A successful login clears the identifier's count.
    public func recordSuccess(for identifier: String) async throws {
        let identifier = self.identifier(identifier)
        try await unavailableAsError { try await store.reset(identifier) }
    }

    private func identifier(_ identifier: String) -> String { identifiers?(identifier) ?? identifier }

    /// Whole milliseconds, rounded up, as the stores keep time. `Date` arithmetic carries noise
    /// below a microsecond; rounding to the microsecond first keeps a wait of exactly 60 s
    /// from reading as 60.001 s.
    private static func remaining(until lockedUntil: Date?, from now: Date) -> Duration? {
        guard let lockedUntil, now < lockedUntil else { return nil }
        let micros = Int64((lockedUntil.timeIntervalSince(now) * 1_000_000).rounded())
        return micros > 0 ? .milliseconds((micros + 999) / 1000) : nil
    }

    private func unavailableAsError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch RateLimitStoreError.unavailable {
            throw TesseraError.storeUnavailable
        }
    }
}
