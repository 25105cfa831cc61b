import Foundation
import Testing

/// The real servers the test script starts. When it requires them (`TESSERA_REQUIRE_SERVERS`
/// or `CI`) a missing one fails the suite; run by hand without them, the Redis cases are
/// left out with a message.
enum TestServers {
    static let environment = ProcessInfo.processInfo.environment
    static var required: Bool { environment["TESSERA_REQUIRE_SERVERS"] != nil || environment["CI"] != nil }
    static var redisEnabled: Bool { environment["TESSERA_TEST_REDIS_URL"] != nil || required }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func requireRedisURL() throws -> String {
        guard let url = environment["TESSERA_TEST_REDIS_URL"] else {
            throw Missing(description: "TESSERA_TEST_REDIS_URL is not set but servers are required")
        }
        return url
    }
}
