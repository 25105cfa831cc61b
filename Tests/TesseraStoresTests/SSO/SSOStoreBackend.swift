import Foundation
import RESP
import TesseraCore
import TesseraSSO
import TesseraStores
import Testing

/// The SSO store backends the contract suites run against.
enum SSOStoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case redis
    case redisCluster

    var testDescription: String { rawValue }

    /// Fresh stores of this backend; Redis stores get their own key namespace.
    struct Stores: Sendable {
        var tickets: any ServiceTicketStore
        var outbox: any LogoutOutbox
        var keys: @Sendable () async throws -> [String]
        var close: @Sendable () async -> Void
    }

    func makeStores() throws -> Stores {
        switch self {
        case .memory:
            return Stores(tickets: MemoryServiceTicketStore(), outbox: MemoryLogoutOutbox(), keys: { [] }, close: {})
        case .redis, .redisCluster:
            let url = self == .redis ? try TestServers.requireRedisURL() : try TestServers.requireRedisClusterURL()
            let client = RedisClient(configuration: try RedisConfiguration(url: url))
            let namespace = "test-\(SecureRandom.identifier(length: 10))"
            return Stores(
                tickets: RedisServiceTicketStore(client: client, namespace: namespace),
                outbox: RedisLogoutOutbox(client: client, namespace: namespace),
                keys: { try await everyKey(matching: "\(namespace):*", url: url) },
                close: { await client.close() })
        }
    }

    static var available: [SSOStoreBackend] {
        [.memory] + (TestServers.redisEnabled ? [.redis] : []) + (TestServers.redisClusterEnabled ? [.redisCluster] : [])
    }
}
