/// The rules of one-time codes and verification links.
///
/// ```swift
/// let policy = CodePolicy()                  // 6 digits, 5 minutes, 5 wrong tries, links 24 h
/// let quick = CodePolicy(lifetime: .seconds(120))
/// ```
public struct CodePolicy: Sendable, Equatable {
    /// Digits per code.
    public var digits: Int
    /// How long a code can be used after it was sent.
    public var lifetime: Duration
    /// Wrong tries that burn a code. The count survives a resend and is forgotten
    /// `lifetime` after the first wrong try, so a burned destination recovers by itself.
    public var maximumFailures: Int
    /// How long a verification link can be used after it was sent.
    public var linkLifetime: Duration

    public init(digits: Int = 6, lifetime: Duration = .seconds(300), maximumFailures: Int = 5, linkLifetime: Duration = .seconds(86_400)) {
        precondition((4...10).contains(digits), "a code has 4 to 10 digits")
        precondition(lifetime > .zero && linkLifetime > .zero && maximumFailures > 0)
        self.digits = digits
        self.lifetime = lifetime
        self.maximumFailures = maximumFailures
        self.linkLifetime = linkLifetime
    }
}
