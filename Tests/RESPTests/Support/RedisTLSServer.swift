import Foundation
import RedisTestServers

/// The redis-server speaking TLS only that scripts/test starts, named by
/// `TESSERA_TEST_REDIS_TLS_URL` (`rediss://127.0.0.1:<port>?ca_file=<its throwaway CA>`).
enum RedisTLSServer {
    static let url = ProcessInfo.processInfo.environment["TESSERA_TEST_REDIS_TLS_URL"]

    static let shouldRun = url != nil || RedisServer.isRequired

    static func requireURL() throws -> String {
        guard let url else { throw ServerUnavailable("TESSERA_TEST_REDIS_TLS_URL is not set but servers are required") }
        return url
    }

    /// The URL without its query: the same server, trusted through the system's roots only.
    static func withoutCA() throws -> String {
        let url = try requireURL()
        return String(url[..<(url.firstIndex(of: "?") ?? url.endIndex)])
    }
}
