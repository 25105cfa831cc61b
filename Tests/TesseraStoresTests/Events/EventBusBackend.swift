import RESP
import Testing
import TesseraCore
import TesseraStores

/// The event buses under one contract. "Two nodes" are two buses sharing a backend: for
/// memory that is one bus (it is per process), for Redis two clients on one namespace.
enum EventBusBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case redis
    case redisCluster

    var testDescription: String { rawValue }

    func makeNodes() throws -> (a: any EventBus, b: any EventBus, close: @Sendable () async -> Void) {
        switch self {
        case .memory:
            let bus = MemoryEventBus()
            return (bus, bus, {})
        case .redis, .redisCluster:
            let url = self == .redis ? try TestServers.requireRedisURL() : try TestServers.requireRedisClusterURL()
            let namespace = "test-\(SecureRandom.identifier(length: 10))"
            let a = RedisClient(configuration: try RedisConfiguration(url: url))
            let b = RedisClient(configuration: try RedisConfiguration(url: url))
            return (RedisEventBus(client: a, namespace: namespace), RedisEventBus(client: b, namespace: namespace), {
                await a.close()
                await b.close()
            })
        }
    }

    static var available: [EventBusBackend] {
        [.memory] + (TestServers.redisEnabled ? [.redis] : []) + (TestServers.redisClusterEnabled ? [.redisCluster] : [])
    }
}
