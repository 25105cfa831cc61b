/// When to try a logout request again: the wait doubles from `minimumWait` after each
/// failed attempt up to `maximumWait`, and the request is given up after `maximumAttempts`.
///
/// ```swift
/// LogoutRetryPolicy().wait(afterAttempts: 3)   // 8 s
/// ```
public struct LogoutRetryPolicy: Sendable, Equatable {
    public var minimumWait: Duration
    public var maximumWait: Duration
    public var maximumAttempts: Int
    /// How long one request may take.
    public var timeout: Duration

    public init(
        minimumWait: Duration = .seconds(2), maximumWait: Duration = .seconds(600), maximumAttempts: Int = 20,
        timeout: Duration = .seconds(5)
    ) {
        self.minimumWait = minimumWait
        self.maximumWait = maximumWait
        self.maximumAttempts = maximumAttempts
        self.timeout = timeout
    }

    /// The wait after the `attempts`-th failure; nil when the request is to be given up.
    public func wait(afterAttempts attempts: Int) -> Duration? {
        guard attempts < maximumAttempts else { return nil }
        var wait = minimumWait
        for _ in 1..<max(attempts, 1) {
            wait = wait * 2
            if wait >= maximumWait { return maximumWait }
        }
        return min(wait, maximumWait)
    }
}
