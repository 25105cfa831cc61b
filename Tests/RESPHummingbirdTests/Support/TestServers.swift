import Foundation
import Testing

/// The real servers the test script starts, named by environment variables. When the script
/// requires them (`TESSERA_REQUIRE_SERVERS` or `CI`), a missing one fails the suite; run by
/// hand without them, the Redis cases are left out with this message.
enum TestServers {
    static let environment = ProcessInfo.processInfo.environment
    static var required: Bool { environment["TESSERA_REQUIRE_SERVERS"] != nil || environment["CI"] != nil }

    static var redisURL: String? { environment["TESSERA_TEST_REDIS_URL"] }
    static var redisClusterURL: String? { environment["TESSERA_TEST_REDIS_CLUSTER_URL"] }

    static var redisEnabled: Bool { redisURL != nil || required }
    static var redisClusterEnabled: Bool { redisClusterURL != nil || required }

    static let skipMessage: Comment = "TESSERA_TEST_REDIS_URL / TESSERA_TEST_REDIS_CLUSTER_URL not set: run scripts/test to start the servers"

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func requireRedisURL() throws -> String {
        guard let redisURL else { throw Missing(description: "TESSERA_TEST_REDIS_URL is not set but servers are required") }
        return redisURL
    }

    static func requireRedisClusterURL() throws -> String {
        guard let redisClusterURL else {
            throw Missing(description: "TESSERA_TEST_REDIS_CLUSTER_URL is not set but servers are required")
        }
        return redisClusterURL
    }
}
