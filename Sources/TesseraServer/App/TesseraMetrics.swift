import Prometheus
import TesseraCore

/// Tessera's own counters, in the registry that `/metrics` serves. Request counts and
/// latencies come from Hummingbird's `MetricsMiddleware` through the same registry.
public struct TesseraMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    private static var refusals: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "session_refusals", unitName: "total", helpText: "Tokens refused, by reason.")
    }

    private static var logins: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "logins", unitName: "total", helpText: "Login attempts, by result.")
    }

    private static var limited: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "rate_limited", unitName: "total", helpText: "Requests refused by a rate-limit rule, by rule.")
    }

    private static var ended: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "sessions_ended", unitName: "total", helpText: "Sessions ended, by reason.")
    }

    private static var sockets: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "event_sockets", helpText: "Live-event sockets open on this node.")
    }

    private static var events: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "events_published", unitName: "total", helpText: "Live events published, by type.")
    }

    func eventSockets(open: Int) {
        registry.makeGauge(descriptor: Self.sockets).set(to: Double(open))
    }

    func published(_ type: String) {
        registry.makeCounter(descriptor: Self.events, labels: [("type", type)]).increment()
    }

    private static var casValidations: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "cas_validations", unitName: "total",
            helpText: "CAS ticket validations, by result (success or the CAS error code).")
    }

    private static var casLogouts: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tessera", metricName: "cas_logout_requests", unitName: "total",
            helpText: "Single-logout request attempts, by service and outcome (delivered, retry, abandoned).")
    }

    func casValidation(_ result: String) {
        registry.makeCounter(descriptor: Self.casValidations, labels: [("result", result)]).increment()
    }

    func casLogout(service: String, outcome: String) {
        registry.makeCounter(descriptor: Self.casLogouts, labels: [("service", service), ("outcome", outcome)]).increment()
    }

    func refused(_ reason: RefusalReason) {
        registry.makeCounter(descriptor: Self.refusals, labels: [("reason", reason.rawValue)]).increment()
    }

    func login(_ result: String) {
        registry.makeCounter(descriptor: Self.logins, labels: [("result", result)]).increment()
    }

    func rateLimited(_ rule: String) {
        registry.makeCounter(descriptor: Self.limited, labels: [("rule", rule)]).increment()
    }

    func sessionsEnded(_ reason: RefusalReason, count: Int) {
        guard count > 0 else { return }
        registry.makeCounter(descriptor: Self.ended, labels: [("reason", reason.rawValue)]).increment(by: Int64(count))
    }
}
