import Foundation
import PostgresNIO
import TesseraCore

/// Reads `postgres://user:password@host:port/database?sslmode=…` (also `postgresql://`)
/// into a client configuration. User and password may be percent-encoded; the port
/// defaults to 5432.
///
/// `sslmode` is `disable`, `prefer` (the default, as with libpq), `require`, `verify-ca` or
/// `verify-full`; every mode that uses TLS verifies the server's certificate and name,
/// stricter than libpq's `require`. Other query parameters are refused rather than ignored.
enum PostgresURL {
    static func configuration(from text: String) throws(AccountStoreError) -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty, let username = url.user, !username.isEmpty
        else {
            throw .unavailable("the PostgreSQL URL must look like postgres://user:password@host:port/database")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        return PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: username, password: url.password,
            database: database.isEmpty ? nil : database, tls: try tls(url.queryItems ?? []))
    }

    private static func tls(_ items: [URLQueryItem]) throws(AccountStoreError) -> PostgresClient.Configuration.TLS {
        var mode = "prefer"
        for item in items {
            guard item.name == "sslmode", let value = item.value else {
                throw .unavailable("unsupported PostgreSQL URL parameter \(item.name)")
            }
            mode = value
        }
        switch mode {
        case "disable": return .disable
        case "prefer": return .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": return .require(.makeClientConfiguration())
        default: throw .unavailable("unsupported sslmode \(mode) in the PostgreSQL URL")
        }
    }
}
