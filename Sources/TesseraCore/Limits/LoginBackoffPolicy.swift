import Foundation

/// How login failures slow down password guessing: past a threshold, every failure makes the
/// identifier wait, twice as long as the failure before, up to a cap.
///
/// Counting `n` as the failures since the count last started over, the `n`-th failure imposes
///
///     wait(n) = nothing                                                  when n < failuresBeforeWait
///     wait(n) = min(minimumWait × 2^(n − failuresBeforeWait), maximumWait)  otherwise
///
/// and the count starts over once `resetAfter` has passed without a failure. The defaults
/// are Keycloak's brute-force detection (30 failures, waits from 1 to 15 minutes, reset after
/// 12 hours without a failure). Keycloak's default strategy grows the wait more slowly;
/// doubling reaches the cap four failures past the threshold. With the defaults: failures
/// 1–29 no wait, the 30th 1 minute, then 2, 4, 8, and from the 34th on 15 minutes each — a
/// guesser gets about 37 tries in the first hour and 4 an hour after that.
///
/// Count failures per normalised identifier whether or not an account has it, so the
/// back-off reveals nothing about which accounts exist.
/// ```swift
/// var policy = LoginBackoffPolicy()
/// policy.failuresBeforeWait = 10
/// policy.wait(afterFailures: 11) // .seconds(120)
/// ```
public struct LoginBackoffPolicy: Sendable, Equatable {
    /// The failure that brings the count to this number starts the first wait.
    public var failuresBeforeWait: Int
    /// The wait the first failure at the threshold imposes.
    public var minimumWait: Duration
    /// No single wait is longer.
    public var maximumWait: Duration
    /// The count starts over after this long without a failure.
    public var resetAfter: Duration

    public init(
        failuresBeforeWait: Int = 30,
        minimumWait: Duration = .seconds(60),
        maximumWait: Duration = .seconds(15 * 60),
        resetAfter: Duration = .seconds(12 * 3600)
    ) {
        precondition(failuresBeforeWait > 0, "failuresBeforeWait must be positive")
        precondition(minimumWait > .zero && maximumWait > .zero && resetAfter > .zero, "login back-off durations must be positive")
        self.failuresBeforeWait = failuresBeforeWait
        self.minimumWait = minimumWait
        self.maximumWait = maximumWait
        self.resetAfter = resetAfter
    }

    /// The wait the `failures`-th failure imposes, or nil below the threshold.
    public func wait(afterFailures failures: Int) -> Duration? {
        guard failures >= failuresBeforeWait else { return nil }
        // Doubling stops at the cap, so a count in the millions neither loops long nor overflows.
        var wait = minimumWait
        var doublings = failures - failuresBeforeWait
        while doublings > 0, wait > .zero, wait < maximumWait {
            wait *= 2
            doublings -= 1
        }
        return min(wait, maximumWait)
    }
}
