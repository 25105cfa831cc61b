import TesseraCore

/// The limits on sending one-time codes: per destination (spacing and a daily cap) and per
/// client IP. Unknown and known destinations count alike.
///
/// ```swift
/// let rates = CodeRates(
///     perDestination: RateLimitRule(name: "codes.destination", limit: 1, period: .seconds(60)),
///     perDestinationDaily: RateLimitRule(name: "codes.daily", limit: 10, period: .seconds(86_400)),
///     perClient: RateLimitRule(name: "codes.ip", limit: 100, period: .seconds(3600)))
/// ```
public struct CodeRates: Sendable, Equatable {
    public var perDestination: RateLimitRule
    public var perDestinationDaily: RateLimitRule
    public var perClient: RateLimitRule

    public init(perDestination: RateLimitRule, perDestinationDaily: RateLimitRule, perClient: RateLimitRule) {
        self.perDestination = perDestination
        self.perDestinationDaily = perDestinationDaily
        self.perClient = perClient
    }
}
