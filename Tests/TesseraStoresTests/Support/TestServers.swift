import Foundation
import Testing

/// The real servers the test script starts, named by environment variables. When the script
/// requires them (`TESSERA_REQUIRE_SERVERS` or `CI`), a missing one fails the suite; run by
/// hand without them, those suites are skipped with this message.
enum TestServers {
    static let environment = ProcessInfo.processInfo.environment
    static var required: Bool { environment["TESSERA_REQUIRE_SERVERS"] != nil || environment["CI"] != nil }

    static var redisURL: String? { environment["TESSERA_TEST_REDIS_URL"] }
    static var redisClusterURL: String? { environment["TESSERA_TEST_REDIS_CLUSTER_URL"] }
    static var redisSentinelURL: String? { environment["TESSERA_TEST_REDIS_SENTINEL_URL"] }
    static var databaseURL: String? { environment["TESSERA_TEST_DATABASE_URL"] }

    /// Run Redis suites when Redis is there, or when it must be (then they fail without it).
    static var redisEnabled: Bool { redisURL != nil || required }
    static var redisClusterEnabled: Bool { redisClusterURL != nil || required }
    static var redisSentinelEnabled: Bool { redisSentinelURL != nil || required }
    static var postgresEnabled: Bool { databaseURL != nil || required }

    static let skipMessage: Comment = "TESSERA_TEST_REDIS_URL / TESSERA_TEST_DATABASE_URL not set: run scripts/test to start the servers"

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

    static func requireRedisSentinelURL() throws -> String {
        guard let redisSentinelURL else {
            throw Missing(description: "TESSERA_TEST_REDIS_SENTINEL_URL is not set but servers are required")
        }
        return redisSentinelURL
    }

    static func requireDatabaseURL() throws -> String {
        guard let databaseURL else { throw Missing(description: "TESSERA_TEST_DATABASE_URL is not set but servers are required") }
        return databaseURL
    }
}
