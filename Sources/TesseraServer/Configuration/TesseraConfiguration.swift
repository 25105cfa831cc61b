import Configuration
import Foundation
import TesseraCore

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
/// - `redis-url`: sessions in Redis (`redis://[user:pass@]host:port[/db]`); memory when absent
/// - `database-url`: accounts in PostgreSQL (`postgres://…`); SQLite when absent
/// - `dev` (bool): development mode
/// - `idle-timeout` (30m), `absolute-timeout` (12h), `renewal-interval` (a tenth of idle):
///   seconds or a number with `s`, `m`, `h`, `d`
/// - `max-sessions` (unlimited), `one-session-per-device` (false), `session-overflow`
///   (`replace` or `reject`)
/// - `trusted-proxies`: comma-separated peer addresses whose `X-Forwarded-For` is believed
/// - `password-cost` (scrypt log2 N, default 16)
public struct TesseraConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var publicURL: URL
    public var dataDirectory: String
    public var serverKey: [UInt8]?
    public var redisURL: String?
    public var databaseURL: String?
    public var dev: Bool
    public var sessionPolicy: SessionPolicy
    public var trustedProxies: [String]
    public var passwordParameters: ScryptParameters

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
                overflow: overflow))
        trustedProxies = reader.string(forKey: "trusted-proxies", default: "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let cost = reader.int(forKey: "password-cost", default: ScryptParameters.recommended.logN)
        guard (10...20).contains(cost), let parameters = ScryptParameters(logN: cost, blockSize: 8, parallelism: 2) else {
            throw ConfigurationError("password-cost must be 10 to 20")
        }
        passwordParameters = parameters
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
