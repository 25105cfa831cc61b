import Foundation

/// Where and how ``SMTPSender`` submits mail, read from one URL:
///
/// - `smtp://[user:password@]host[:port]` (port 587): STARTTLS when the server offers it
/// - `smtp://…?starttls=required`: refuse to send when the server offers no STARTTLS
/// - `smtps://[user:password@]host[:port]` (port 465): TLS from the first byte
///
/// Query options: `ca-file=/path/ca.pem` trusts that CA (PEM) instead of the system's;
/// `allow-insecure-auth=true` sends credentials without TLS, accepted for a loopback host
/// only; `timeout=30s` bounds the connect and each command (default 30s). Credentials in
/// the user-info are percent-decoded; without them no AUTH is sent. Credentials are never
/// sent without TLS unless `allow-insecure-auth` says so.
/// ```swift
/// let settings = try SMTPSettings(url: "smtp://mailer:s3cret@mail.example.com:587?starttls=required")
/// ```
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        /// STARTTLS when offered; plain text otherwise.
        case opportunisticStartTLS
        /// STARTTLS, or no delivery.
        case requiredStartTLS
        /// TLS from connect (`smtps`).
        case implicitTLS
    }

    public struct Credentials: Sendable, Equatable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var credentials: Credentials?
    /// A PEM file of CAs to trust instead of the system's.
    public var caFile: String?
    public var allowsInsecureAuth: Bool
    public var timeout: Duration

    public init(url text: String) throws(ConfigurationError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else { throw ConfigurationError("smtp-url must look like smtp://user:password@host:587, got an unreadable URL") }
        switch scheme {
        case "smtp": security = .opportunisticStartTLS
        case "smtps": security = .implicitTLS
        default: throw ConfigurationError("smtp-url must start with smtp:// or smtps://")
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? (security == .implicitTLS ? 465 : 587)
        guard (1...65535).contains(port) else { throw ConfigurationError("smtp-url has a bad port") }
        if let user = components.percentEncodedUser?.removingPercentEncoding, !user.isEmpty {
            credentials = Credentials(username: user, password: components.percentEncodedPassword?.removingPercentEncoding ?? "")
        }
        caFile = nil
        allowsInsecureAuth = false
        timeout = .seconds(30)
        for item in components.queryItems ?? [] {
            try apply(option: item.name, value: item.value ?? "")
        }
        if allowsInsecureAuth && !Self.isLoopback(self.host) {
            throw ConfigurationError("smtp-url: allow-insecure-auth is accepted for a loopback host only")
        }
    }

    private mutating func apply(option: String, value: String) throws(ConfigurationError) {
        switch option {
        case "starttls":
            guard security != .implicitTLS else { throw ConfigurationError("smtp-url: starttls does not apply to smtps://") }
            switch value {
            case "required": security = .requiredStartTLS
            case "opportunistic": security = .opportunisticStartTLS
            default: throw ConfigurationError("smtp-url: starttls must be 'required' or 'opportunistic'")
            }
        case "ca-file":
            guard !value.isEmpty else { throw ConfigurationError("smtp-url: ca-file needs a path") }
            caFile = value
        case "allow-insecure-auth":
            guard let flag = Bool(value) else { throw ConfigurationError("smtp-url: allow-insecure-auth must be true or false") }
            allowsInsecureAuth = flag
        case "timeout":
            guard let duration = DurationText.parse(value), duration > .zero else {
                throw ConfigurationError("smtp-url: timeout must be seconds or a number with s or m")
            }
            timeout = duration
        default:
            throw ConfigurationError("smtp-url: unknown option '\(option)' (starttls, ca-file, allow-insecure-auth, timeout)")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The URL without its password, for logs and errors.
    public var redactedDescription: String {
        let user = credentials.map { "\($0.username):***@" } ?? ""
        return "\(security == .implicitTLS ? "smtps" : "smtp")://\(user)\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}

extension SMTPSettings.Credentials: CustomStringConvertible {
    /// Never the password.
    public var description: String { "Credentials(username: \(username))" }
}
