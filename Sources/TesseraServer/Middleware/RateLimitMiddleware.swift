import Hummingbird
import TesseraCore

/// Applies a rate-limit rule per client address: 429 `RATE_LIMITED` with `Retry-After`
/// once the rule's budget is spent. Any app route can stand behind one.
///
/// ```swift
/// router.group().add(middleware: RateLimitMiddleware(rule: RateLimitRule(name: "search", limit: 60, period: .seconds(60)), services: services))
/// ```
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = TesseraRequestContext
    let rule: RateLimitRule
    let services: TesseraServices

    public init(rule: RateLimitRule, services: TesseraServices) {
        self.rule = rule
        self.services = services
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let client = services.clientAddress.of(request, peer: context.peerAddress) ?? "unknown"
        if case .limited(let wait) = try await services.limiter.acquire(rule, key: client) {
            services.metrics.rateLimited(rule.name)
            throw TesseraError.rateLimited(retryAfter: wait)
        }
        return try await next(request, context)
    }
}
