import Foundation
import RESP
import TesseraCore
import TesseraStores
import Testing

/// The limit store backends the contract suites run against.
enum LimitStoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case redis
    case redisCluster

    var testDescription: String { rawValue }

    /// Fresh stores of this backend. Redis stores get their own key namespace, so tests run
    /// in parallel, and `keys` lists what they wrote; memory stores list nothing.
    struct Stores: Sendable {
        var rateLimits: any RateLimitStore
        var loginFailures: any LoginFailureStore
        var keys: @Sendable () async throws -> [String]
        var close: @Sendable () async -> Void
    }

    func makeStores() throws -> Stores {
        switch self {
        case .memory:
            return Stores(rateLimits: MemoryRateLimitStore(), loginFailures: MemoryLoginFailureStore(), keys: { [] }, close: {})
        case .redis, .redisCluster:
            let url = self == .redis ? try TestServers.requireRedisURL() : try TestServers.requireRedisClusterURL()
            let client = RedisClient(configuration: try RedisConfiguration(url: url))
            let namespace = "test-\(SecureRandom.identifier(length: 10))"
            return Stores(
                rateLimits: RedisRateLimitStore(client: client, namespace: namespace),
                loginFailures: RedisLoginFailureStore(client: client, namespace: namespace),
                keys: { try await everyKey(matching: "\(namespace):*", url: url) },
                close: { await client.close() })
        }
    }

    static var available: [LimitStoreBackend] {
        [.memory] + (TestServers.redisEnabled ? [.redis] : []) + (TestServers.redisClusterEnabled ? [.redisCluster] : [])
    }
}

/// A clock on a whole millisecond, the stores' unit, so waits can be compared exactly.
func limitTestClock() -> ManualWallClock {
    ManualWallClock(Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000))
}

/// Milliseconds from `start` to `end`, rounded to the nearest.
func milliseconds(from start: Date, to end: Date?) -> Int64? {
    end.map { Int64(($0.timeIntervalSince(start) * 1000).rounded()) }
}
