import ArgumentParser
import Configuration
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import TesseraServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Tessera node. Every option is also TESSERA_<NAME> in the environment or a key of the --config file.")

    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default 8080).") var port: Int?
    @Option(name: .customLong("public-url"), help: "The URL browsers use, e.g. https://login.example.com.") var publicURL: String?
    @OptionGroup var stores: StoreOptions
    @OptionGroup var delivery: DeliveryOptions
    @Flag(help: "Development mode.") var dev = false
    @Option(name: .customLong("idle-timeout"), help: "Sliding timeout, e.g. 30m.") var idleTimeout: String?
    @Option(name: .customLong("absolute-timeout"), help: "Hard session lifetime, e.g. 12h.") var absoluteTimeout: String?
    @Option(name: .customLong("renewal-interval"), help: "Renew a session at most this often (default: a tenth of the idle timeout).") var renewalInterval: String?
    @Option(name: .customLong("max-sessions"), help: "Sessions per user (default unlimited).") var maxSessions: Int?
    @Flag(name: .customLong("one-session-per-device"), help: "At most one session per device type.") var oneSessionPerDevice = false
    @Option(name: .customLong("session-overflow"), help: "replace (end the oldest) or reject (refuse the login).") var sessionOverflow: String?
    @Flag(name: .customLong("anonymous-sessions"), help: "Visitors get a session, without a user, at their first data write.") var anonymousSessions = false
    @Option(name: .customLong("anonymous-idle-timeout"), help: "Sliding timeout of anonymous sessions (default 20m).") var anonymousIdleTimeout: String?
    @Option(name: .customLong("trusted-proxies"), help: "Comma-separated proxy addresses whose X-Forwarded-For is believed.") var trustedProxies: String?
    @Option(name: .customLong("password-cost"), help: "scrypt log2(N) for new password hashes (default 16).") var passwordCost: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (default info).") var logLevel: String?

    func run() async throws {
        var values = stores.values.merging(delivery.values) { $1 }
        func put(_ key: String, _ value: String?) { if let value { values[key] = .init(.string(value), isSecret: false) } }
        put("host", host)
        if let port { values["port"] = .init(.int(port), isSecret: false) }
        put("public-url", publicURL)
        if dev { values["dev"] = .init(.bool(true), isSecret: false) }
        put("idle-timeout", idleTimeout)
        put("absolute-timeout", absoluteTimeout)
        put("renewal-interval", renewalInterval)
        if let maxSessions { values["max-sessions"] = .init(.int(maxSessions), isSecret: false) }
        if oneSessionPerDevice { values["one-session-per-device"] = .init(.bool(true), isSecret: false) }
        put("session-overflow", sessionOverflow)
        if anonymousSessions { values["anonymous-sessions"] = .init(.bool(true), isSecret: false) }
        put("anonymous-idle-timeout", anonymousIdleTimeout)
        put("trusted-proxies", trustedProxies)
        if let passwordCost { values["password-cost"] = .init(.int(passwordCost), isSecret: false) }

        let configuration: TesseraConfiguration
        do {
            configuration = try await TesseraConfiguration.load(commandLine: values)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        var logger = Logger(label: "tessera")
        logger.logLevel = Logger.Level(rawValue: logLevel ?? "info") ?? .info
        let metrics = TesseraMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        let app = try await TesseraApp.build(configuration: configuration, logger: logger, metrics: metrics)
        try await app.runService()
    }
}
