import Foundation
import Logging
import RESP
import TesseraCore
import TesseraStores
import Testing

/// The session store backends the contract suite runs against.
enum SessionStoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case redis
    case redisCluster
    case redisSentinel

    var testDescription: String { rawValue }

    /// A fresh store; Redis stores get their own key namespace so tests run in parallel.
    func makeStore() throws -> (store: any SessionStore, close: @Sendable () async -> Void) {
        switch self {
        case .memory:
            return (MemorySessionStore(), {})
        case .redis:
            let client = RedisClient(configuration: try RedisConfiguration(url: TestServers.requireRedisURL()))
            return (RedisSessionStore(client: client, namespace: "test-\(SecureRandom.identifier(length: 10))"), { await client.close() })
        case .redisCluster:
            let client = RedisClient(configuration: try RedisConfiguration(url: TestServers.requireRedisClusterURL()))
            return (RedisSessionStore(client: client, namespace: "test-\(SecureRandom.identifier(length: 10))"), { await client.close() })
        case .redisSentinel:
            let client = RedisClient(configuration: try RedisConfiguration(url: TestServers.requireRedisSentinelURL()))
            return (RedisSessionStore(client: client, namespace: "test-\(SecureRandom.identifier(length: 10))"), { await client.close() })
        }
    }

    static var available: [SessionStoreBackend] {
        [.memory] + (TestServers.redisEnabled ? [.redis] : []) + (TestServers.redisClusterEnabled ? [.redisCluster] : [])
            + (TestServers.redisSentinelEnabled ? [.redisSentinel] : [])
    }
}
