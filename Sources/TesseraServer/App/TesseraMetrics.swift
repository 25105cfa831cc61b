import Prometheus
import TesseraCore

/// Tessera's own counters, in the registry that `/metrics` serves. Request counts and
/// latencies come from Hummingbird's `MetricsMiddleware` through the same registry.
public struct TesseraMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    func refused(_ reason: RefusalReason) {
        registry.makeCounter(name: "tessera_session_refusals_total", labels: [("reason", reason.rawValue)]).increment()
    }

    func login(_ result: String) {
        registry.makeCounter(name: "tessera_logins_total", labels: [("result", result)]).increment()
    }

    func rateLimited(_ rule: String) {
        registry.makeCounter(name: "tessera_rate_limited_total", labels: [("rule", rule)]).increment()
    }

    func sessionsEnded(_ reason: RefusalReason, count: Int) {
        guard count > 0 else { return }
        registry.makeCounter(name: "tessera_sessions_ended_total", labels: [("reason", reason.rawValue)]).increment(by: Int64(count))
    }
}
