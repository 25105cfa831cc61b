import Foundation
import RESP
import RESPHummingbird
import Testing

/// The Redis deployments the persist driver's contract suite runs against.
enum PersistBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case redis
    case redisCluster

    var testDescription: String { rawValue }

    static var available: [PersistBackend] {
        (TestServers.redisEnabled ? [.redis] : []) + (TestServers.redisClusterEnabled ? [.redisCluster] : [])
    }

    func url() throws -> String {
        switch self {
        case .redis: try TestServers.requireRedisURL()
        case .redisCluster: try TestServers.requireRedisClusterURL()
        }
    }

    /// Runs `body` with a driver whose keys are this run's own, closing its client however `body` ends.
    func withDriver(_ body: (RedisPersistDriver, RedisClient) async throws -> Void) async throws {
        let client = RedisClient(configuration: try RedisConfiguration(url: self.url()))
        let driver = RedisPersistDriver(client: client, keyPrefix: "persist-test:\(UUID().uuidString):")
        do {
            try await body(driver, client)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
