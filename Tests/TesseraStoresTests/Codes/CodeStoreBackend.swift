import Crypto
import Foundation
import RESP
import TesseraCore
import TesseraStores
import Testing

/// The code store backends the contract suite runs against.
enum CodeStoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case redis
    case redisCluster

    var testDescription: String { rawValue }

    /// A fresh store of this backend behind a ``CodeService`` on a manual clock. A Redis
    /// store gets its own key namespace, so tests run in parallel, and `keys` lists what it
    /// wrote; a memory store lists nothing.
    struct Harness: Sendable {
        var codes: CodeService
        var clock: ManualWallClock
        var keys: @Sendable () async throws -> [String]
        var close: @Sendable () async -> Void
    }

    func harness(policy: CodePolicy = CodePolicy()) throws -> Harness {
        let clock = ManualWallClock(Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000))
        let key = SymmetricKey(size: .bits256)
        switch self {
        case .memory:
            return Harness(
                codes: CodeService(store: MemoryCodeStore(), serverKey: key, policy: policy, clock: clock), clock: clock,
                keys: { [] }, close: {})
        case .redis, .redisCluster:
            let url = self == .redis ? try TestServers.requireRedisURL() : try TestServers.requireRedisClusterURL()
            let client = RedisClient(configuration: try RedisConfiguration(url: url))
            let namespace = "test-\(SecureRandom.identifier(length: 10))"
            return Harness(
                codes: CodeService(store: RedisCodeStore(client: client, namespace: namespace), serverKey: key, policy: policy, clock: clock),
                clock: clock,
                keys: { try await everyKey(matching: "\(namespace):*", url: url) },
                close: { await client.close() })
        }
    }

    static var available: [CodeStoreBackend] {
        [.memory] + (TestServers.redisEnabled ? [.redis] : []) + (TestServers.redisClusterEnabled ? [.redisCluster] : [])
    }
}
