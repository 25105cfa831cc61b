import Configuration
import Foundation
import TesseraCore
import TesseraSSO

/// Every setting of a Tessera node, read in one place.
///
/// Each key is read from, in order: the command line (`--idle-timeout 15m`), the
/// environment (`TESSERA_IDLE_TIMEOUT=15m`), then the JSON config file named by `--config`
/// (`{"idle-timeout": "15m"}`). Keys:
/// - `host` (default `127.0.0.1`), `port` (default 8080)
/// - `public-url` (default `http://<host>:<port>`): the origin browsers use; decides the
///   cookie name and `Secure`, and the origin cookie-authenticated writes must come from
/// - `data-dir` (default `./data`): the SQLite file and the generated server key
/// - `server-key`: base64 of at least 32 bytes; the nodes of one cluster share it.
///   Without it, a key is created in `data-dir` on first start
/// - `redis-url`: sessions in Redis (`redis://[user:pass@]host:port[/db]`, or on Redis Cluster
///   `redis://host1:port1,host2:port2` naming seed nodes, or for a primary managed by Redis
///   Sentinel `redis+sentinel://[:pass@]sentinel1:26379,sentinel2:26379/master-name[/db]`,
///   with `?sentinel_password=` for the sentinels' own); memory when absent
/// - `redis-namespace` (default `tessera`): the prefix of every key, so deployments can
///   share a Redis
/// - `database-url`: accounts in PostgreSQL (`postgres://…`); SQLite when absent
/// - `dev` (bool): development mode; mail and texts go to the dev outbox (`GET /dev/outbox`)
/// - `sms-auto-register` (true): an SMS login with an unknown number creates its account
/// - `login-requires-verified-email` (false): an account with an unverified e-mail
///   address cannot log in until it is verified
/// - `rate-limit-code-destination` (`1/60s`), `rate-limit-code-daily` (`10/1d`): codes sent
///   to one address or number; `rate-limit-code-ip` (`100/1h`): codes asked for per client IP
/// - `idle-timeout` (30m), `absolute-timeout` (12h), `renewal-interval` (a tenth of idle):
///   seconds or a number with `s`, `m`, `h`, `d`
/// - `max-sessions` (unlimited), `one-session-per-device` (false), `session-overflow`
///   (`replace` or `reject`)
/// - `session-data-max-value-bytes` (4096), `session-data-max-attributes` (32),
///   `session-data-max-bytes` (16384): what one session's data may hold
/// - `anonymous-sessions` (false): a data write without a token creates a session without
///   a user; `anonymous-idle-timeout` (20m) is its sliding timeout
/// - `trusted-proxies`: comma-separated peer addresses whose `X-Forwarded-For` is believed
/// - `password-cost` (scrypt log2 N, default 16)
/// - `rate-limit-login` (`600/1m`), `rate-limit-register` (`100/1h`),
///   `rate-limit-anonymous` (`60/1h`, creations of anonymous sessions): requests per client
///   IP, as `<count>/<duration>`
/// - `login-backoff-after` (30 failures), `login-backoff-min` (1m), `login-backoff-max`
///   (15m), `login-backoff-reset` (12h): failed logins per identifier before waits begin,
///   the first and longest wait, and the quiet time after which the count starts over
/// - `events-recheck-interval` (30s): how often a live-events socket checks its session
///   when nothing happens; `events-message-rate` (`20/10s`): messages one socket may send
/// - `smtp-url`, `mail-from`, `sms-webhook-url`, `sms-webhook-secret`: the delivery
///   transports, read by ``DeliveryConfiguration``
/// - `cas-ticket-lifetime` (10s, at most 5m): how long a CAS service ticket may wait for
///   its validation
/// - `cas-slo-timeout` (5s), `cas-slo-retry-min` (2s), `cas-slo-retry-max` (10m),
///   `cas-slo-max-attempts` (20): how single-logout requests are sent and retried
/// - `cas-slo-sweep-interval` (1m): how often sessions with single-logout registrations are
///   checked for expiry
/// - the CAS services, only from the config file: `{"cas": {"services": [{"id", "serviceUrl",
///   "singleLogout"}]}}` (see ``casServices(fromConfigFile:)``)
public struct TesseraConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var publicURL: URL
    public var dataDirectory: String
    public var serverKey: [UInt8]?
    public var redisURL: String?
    public var redisNamespace: String
    public var databaseURL: String?
    public var dev: Bool
    public var sessionPolicy: SessionPolicy
    public var trustedProxies: [String]
    public var passwordParameters: ScryptParameters
    public var loginRate: RateLimitRule
    public var registrationRate: RateLimitRule
    public var anonymousSessions: Bool
    public var anonymousRate: RateLimitRule
    public var loginBackoff: LoginBackoffPolicy
    public var eventsRecheckInterval: Duration
    public var eventsMessageRate: RateLimitRule
    public var smsAutoRegister: Bool
    public var loginRequiresVerifiedEmail: Bool
    public var codeRates: CodeRates
    public var delivery: DeliveryConfiguration
    /// The services CAS issues tickets for; none unless the config file registers some.
    public var casServices: [CASService] = []
    public var casTicketLifetime: Duration
    public var casLogoutPolicy: LogoutRetryPolicy
    public var casSweepInterval: Duration

    public init(reader: ConfigReader) throws {
        host = reader.string(forKey: "host", default: "127.0.0.1")
        port = reader.int(forKey: "port", default: 8080)
        guard (0...65535).contains(port) else { throw ConfigurationError("port must be 0 to 65535") }
        let publicURLText = reader.string(forKey: "public-url") ?? "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)"
        guard let url = URL(string: publicURLText), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw ConfigurationError("public-url must be an http or https URL, got '\(publicURLText)'")
        }
        publicURL = url
        dataDirectory = reader.string(forKey: "data-dir", default: "data")
        if let key = reader.string(forKey: "server-key", isSecret: true) {
            guard let bytes = Data(base64Encoded: key), bytes.count >= 32 else {
                throw ConfigurationError("server-key must be base64 of at least 32 bytes")
            }
            serverKey = Array(bytes)
        }
        redisURL = reader.string(forKey: "redis-url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        databaseURL = reader.string(forKey: "database-url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        redisNamespace = reader.string(forKey: "redis-namespace", default: "tessera")
        guard (1...64).contains(redisNamespace.count),
              redisNamespace.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) })
        else { throw ConfigurationError("redis-namespace must be 1 to 64 letters, digits, '-', '_' or '.'") }
        dev = reader.bool(forKey: "dev", default: false)

        let idle = try Self.duration(reader, "idle-timeout", default: .seconds(30 * 60))
        let absolute = try Self.duration(reader, "absolute-timeout", default: .seconds(12 * 3600))
        let renewal = try Self.optionalDuration(reader, "renewal-interval")
        let maximum = reader.int(forKey: "max-sessions")
        if let maximum, maximum < 1 { throw ConfigurationError("max-sessions must be at least 1") }
        let overflowText = reader.string(forKey: "session-overflow", default: "replace")
        guard let overflow = DevicePolicy.Overflow(rawValue: overflowText) else {
            throw ConfigurationError("session-overflow must be 'replace' or 'reject', got '\(overflowText)'")
        }
        sessionPolicy = SessionPolicy(
            idleTimeout: idle, absoluteTimeout: absolute, renewalInterval: renewal,
            devices: DevicePolicy(
                maximumSessions: maximum, onePerDeviceType: reader.bool(forKey: "one-session-per-device", default: false),
                overflow: overflow),
            anonymousIdleTimeout: try Self.duration(reader, "anonymous-idle-timeout", default: .seconds(20 * 60)),
            data: SessionDataLimits(
                maximumValueBytes: try Self.positive(reader, "session-data-max-value-bytes", default: 4096),
                maximumAttributes: try Self.positive(reader, "session-data-max-attributes", default: 32),
                maximumTotalBytes: try Self.positive(reader, "session-data-max-bytes", default: 16384)))
        anonymousSessions = reader.bool(forKey: "anonymous-sessions", default: false)
        trustedProxies = reader.string(forKey: "trusted-proxies", default: "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let cost = reader.int(forKey: "password-cost", default: ScryptParameters.recommended.logN)
        guard (10...20).contains(cost), let parameters = ScryptParameters(logN: cost, blockSize: 8, parallelism: 2) else {
            throw ConfigurationError("password-cost must be 10 to 20")
        }
        passwordParameters = parameters
        loginRate = try Self.rule(reader, "rate-limit-login", name: "login", default: "600/1m")
        registrationRate = try Self.rule(reader, "rate-limit-register", name: "register", default: "100/1h")
        anonymousRate = try Self.rule(reader, "rate-limit-anonymous", name: "anonymous", default: "60/1h")
        let after = reader.int(forKey: "login-backoff-after", default: 30)
        guard after >= 1 else { throw ConfigurationError("login-backoff-after must be at least 1") }
        loginBackoff = LoginBackoffPolicy(
            failuresBeforeWait: after,
            minimumWait: try Self.duration(reader, "login-backoff-min", default: .seconds(60)),
            maximumWait: try Self.duration(reader, "login-backoff-max", default: .seconds(15 * 60)),
            resetAfter: try Self.duration(reader, "login-backoff-reset", default: .seconds(12 * 3600)))
        eventsRecheckInterval = try Self.duration(reader, "events-recheck-interval", default: .seconds(30))
        eventsMessageRate = try Self.rule(reader, "events-message-rate", name: "events-messages", default: "20/10s")
        smsAutoRegister = reader.bool(forKey: "sms-auto-register", default: true)
        loginRequiresVerifiedEmail = reader.bool(forKey: "login-requires-verified-email", default: false)
        codeRates = CodeRates(
            perDestination: try Self.rule(reader, "rate-limit-code-destination", name: "codes.destination", default: "1/60s"),
            perDestinationDaily: try Self.rule(reader, "rate-limit-code-daily", name: "codes.daily", default: "10/1d"),
            perClient: try Self.rule(reader, "rate-limit-code-ip", name: "codes.ip", default: "100/1h"))
        delivery = try DeliveryConfiguration(reader: reader, publicURL: publicURL)
        casTicketLifetime = try Self.duration(reader, "cas-ticket-lifetime", default: .seconds(10))
        guard casTicketLifetime >= .seconds(1), casTicketLifetime <= .seconds(300) else {
            throw ConfigurationError("cas-ticket-lifetime must be 1s to 5m")
        }
        let attempts = reader.int(forKey: "cas-slo-max-attempts", default: 20)
        guard attempts >= 1 else { throw ConfigurationError("cas-slo-max-attempts must be at least 1") }
        casLogoutPolicy = LogoutRetryPolicy(
            minimumWait: try Self.duration(reader, "cas-slo-retry-min", default: .seconds(2)),
            maximumWait: try Self.duration(reader, "cas-slo-retry-max", default: .seconds(600)),
            maximumAttempts: attempts,
            timeout: try Self.duration(reader, "cas-slo-timeout", default: .seconds(5)))
        guard casLogoutPolicy.timeout > .zero, casLogoutPolicy.minimumWait > .zero, casLogoutPolicy.maximumWait >= casLogoutPolicy.minimumWait else {
            throw ConfigurationError("cas-slo-timeout and cas-slo-retry-min must be positive, cas-slo-retry-max at least cas-slo-retry-min")
        }
        casSweepInterval = try Self.duration(reader, "cas-slo-sweep-interval", default: .seconds(60))
        guard casSweepInterval > .zero else { throw ConfigurationError("cas-slo-sweep-interval must be positive") }
    }

    /// The `cas.services` list of a JSON config file: objects with `id`, `serviceUrl` and
    /// optional `singleLogout` (false). Ids must be unique.
    public static func casServices(fromConfigFile data: Data) throws -> [CASService] {
        struct File: Decodable {
            struct CAS: Decodable { var services: [Entry]? }
            struct Entry: Decodable {
                var id: String
                var serviceUrl: String
                var singleLogout: Bool?
            }
            var cas: CAS?
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ConfigurationError("cas.services in the config file must be a list of {\"id\", \"serviceUrl\", \"singleLogout\"}: \(error)")
        }
        let services = try (file.cas?.services ?? []).map { entry in
            do {
                return try CASService(id: entry.id, serviceURL: entry.serviceUrl, singleLogout: entry.singleLogout ?? false)
            } catch let error as CASServiceError {
                throw ConfigurationError(error.description)
            }
        }
        guard Set(services.map(\.id)).count == services.count else { throw ConfigurationError("cas.services ids must be unique") }
        return services
    }

    /// `<count>/<duration>`, e.g. `600/1m`.
    private static func rule(_ reader: ConfigReader, _ key: String, name: String, default value: String) throws -> RateLimitRule {
        let text = reader.string(forKey: ConfigKey(key), default: value)
        let parts = text.split(separator: "/")
        guard parts.count == 2, let count = Int(parts[0].trimmingCharacters(in: .whitespaces)), count > 0,
              let period = DurationText.parse(String(parts[1])), period > .zero
        else { throw ConfigurationError("\(key) must look like 600/1m, got '\(text)'") }
        return RateLimitRule(name: name, limit: count, period: period)
    }

    private static func positive(_ reader: ConfigReader, _ key: String, default value: Int) throws -> Int {
        let number = reader.int(forKey: ConfigKey(key), default: value)
        guard number >= 1 else { throw ConfigurationError("\(key) must be at least 1, got \(number)") }
        return number
    }

    private static func optionalDuration(_ reader: ConfigReader, _ key: String) throws -> Duration? {
        if let text = reader.string(forKey: ConfigKey(key)) {
            guard let value = DurationText.parse(text), value > .zero else {
                throw ConfigurationError("\(key) must be seconds or a number with s, m, h or d, got '\(text)'")
            }
            return value
        }
        return reader.int(forKey: ConfigKey(key)).map { .seconds($0) }
    }

    private static func duration(_ reader: ConfigReader, _ key: String, default value: Duration) throws -> Duration {
        try optionalDuration(reader, key) ?? value
    }
}

/// A setting that cannot be used; the message names it and says what is expected.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Durations as people write them: `90`, `90s`, `15m`, `12h`, `7d`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = Substring(trimmed)
        var multiplier: Int64 = 1
        if let last = trimmed.last, let unit = units[last] {
            digits = trimmed.dropLast()
            multiplier = unit
        }
        guard !digits.isEmpty, digits.count <= 9, let number = Int64(digits), number >= 0 else { return nil }
        return .seconds(number * multiplier)
    }
}
