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
        guard self != .memory else { return (MemorySessionStore(), {}) }
        let redis = try makeRedisStore()
        return (redis.store, { await redis.client.close() })
    }

    /// A fresh Redis store with the client and namespace it uses, for tests that look at its keys.
    func makeRedisStore() throws -> (store: RedisSessionStore, client: RedisClient, namespace: String) {
        let url =
            switch self {
            case .memory: preconditionFailure("the memory store is no Redis server")
            case .redis: try TestServers.requireRedisURL()
            case .redisCluster: try TestServers.requireRedisClusterURL()
            case .redisSentinel: try TestServers.requireRedisSentinelURL()
            }
        let client = RedisClient(configuration: try RedisConfiguration(url: url))
        let namespace = "test-\(SecureRandom.identifier(length: 10))"
        return (RedisSessionStore(client: client, namespace: namespace), client, namespace)
    }

    static var available: [SessionStoreBackend] {
        [.memory] + redisServers
    }

    /// The backends that are Redis servers.
    static var redisServers: [SessionStoreBackend] {
        (TestServers.redisEnabled ? [.redis] : []) + (TestServers.redisClusterEnabled ? [.redisCluster] : [])
            + (TestServers.redisSentinelEnabled ? [.redisSentinel] : [])
    }
}
