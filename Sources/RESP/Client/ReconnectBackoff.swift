import NIOCore

/// When a pool may open a connection again after its attempts failed.
///
/// After a failed attempt the pool waits before the next: `initial`, doubled after each failure
/// that follows, at most `maximum`, each wait cut to a random share between half and all of it so
/// that the nodes of a deployment do not all come back at once. Attempts that were already under
/// way when the wait began (one per event loop) end the same outage, so their failures do not
/// lengthen it. The first attempt that succeeds ends the back-off.
struct ReconnectBackoff {
    let initial: Duration
    let maximum: Duration
    /// Failures in a row, counting one per wait.
    private(set) var failures = 0
    private(set) var nextAttempt: NIODeadline?
    private var lastFailure: (any Error)?

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The error to fail with instead of connecting at `now`, or `nil` when an attempt may be made.
    func refusal(at now: NIODeadline) -> (any Error)? {
        guard let nextAttempt, now < nextAttempt, let lastFailure else { return nil }
        guard case .connectionUnavailable(let reason) = lastFailure as? RedisClientError else { return lastFailure }
        let wait = (nextAttempt - now).nanoseconds / 1_000_000
        return RedisClientError.connectionUnavailable("\(reason) (no new attempt for \(max(wait, 1)) ms)")
    }

    /// Records an attempt that failed at `now`; `share` (between 0.5 and 1) is how much of the
    /// full wait is taken.
    mutating func failed(with error: any Error, at now: NIODeadline, share: Double) {
        self.lastFailure = error
        guard self.initial > .zero else { return }
        if let nextAttempt = self.nextAttempt, now < nextAttempt { return }
        self.failures += 1
        let wait = Self.wait(afterFailures: self.failures, initial: self.initial, maximum: self.maximum)
        self.nextAttempt = now + TimeAmount(wait * min(max(share, 0.5), 1))
    }

    mutating func succeeded() {
        self.failures = 0
        self.nextAttempt = nil
        self.lastFailure = nil
    }

    /// The full wait after `failures` failures in a row: `initial` doubled `failures - 1` times, at most `maximum`.
    static func wait(afterFailures failures: Int, initial: Duration, maximum: Duration) -> Duration {
        var wait = initial
        for _ in 1..<max(failures, 1) where wait < maximum {
            wait *= 2
        }
        return min(wait, maximum)
    }
}
