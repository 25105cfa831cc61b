import Foundation

/// A named limit: `limit` requests per `period` for each key (an IP, an account identifier,
/// a destination), of which up to `burst` may arrive at once.
///
/// Enforced with GCRA, the generic cell rate algorithm. Each key keeps one timestamp, its
/// theoretical arrival time (TAT). An admitted request pushes the TAT on by the emission
/// interval, `period / limit`; a request is refused while that would put the TAT more than
/// `burst × interval` ahead of now. Unlike a fixed window, nothing resets at a window's edge,
/// so no client gets twice the limit by straddling one; unlike a sliding log, a key costs
/// one number whatever the limit. A spent burst is whole again `burst × interval` later —
/// one `period` with the default burst.
///
/// ```swift
/// let perIP = RateLimitRule(name: "login.ip", limit: 10, period: .seconds(60))
/// let perDestination = RateLimitRule(name: "codes.destination", limit: 5, period: .seconds(3600), burst: 1)
/// switch try await limiter.acquire(perIP, key: clientAddress) {
/// case .allowed: …
/// case .limited(let retryAfter): … // 429 with Retry-After
/// }
/// ```
public struct RateLimitRule: Sendable, Equatable {
    /// Names the rule in configuration and in store keys, so two rules on the same key count
    /// apart. Letters, digits, `.`, `_` and `-` only: it goes into a Redis key as it is.
    public let name: String
    /// Requests admitted per `period` at the sustained rate.
    public let limit: Int
    public let period: Duration
    /// Requests admitted at once after a quiet spell; nil means `limit`.
    public let burst: Int?

    /// The values come from configuration, which validates them first; a rule that breaks
    /// these preconditions is a programming error.
    public init(name: String, limit: Int, period: Duration, burst: Int? = nil) {
        precondition(!name.isEmpty && name.allSatisfy(Self.isNameCharacter), "rate limit rule name \"\(name)\" must be [A-Za-z0-9._-]+")
        precondition(limit > 0, "rate limit rule \(name): limit must be positive")
        precondition(period > .zero, "rate limit rule \(name): period must be positive")
        precondition(burst.map { $0 > 0 } ?? true, "rate limit rule \(name): burst must be positive")
        self.name = name
        self.limit = limit
        self.period = period
        self.burst = burst
    }

    /// The burst in force: `burst`, or `limit` when none was given.
    public var effectiveBurst: Int { burst ?? limit }

    /// `period / limit`, the spacing of requests at the sustained rate. Rounded up to the
    /// microsecond, the unit the stores count in, so a rule never admits more than `limit`
    /// per `period` (3 per second is one per 333 334 µs).
    public var emissionInterval: Duration {
        let (seconds, attoseconds) = period.components
        let micros = seconds * 1_000_000 + (attoseconds + 999_999_999_999) / 1_000_000_000_000
        let perRequest = (micros + Int64(limit) - 1) / Int64(limit)
        return .microseconds(perRequest)
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character))
    }
}
