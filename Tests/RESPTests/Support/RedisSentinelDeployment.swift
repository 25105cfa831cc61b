import Foundation
import NIOPosix
import RedisTestServers

@testable import RESP

/// The Sentinel deployment that scripts/test starts (a primary, one replica and three sentinels,
/// with passwords), named by `TESSERA_TEST_REDIS_SENTINEL_URL`. Tests that fail it over start
/// their own ``RedisSentinelDeployment`` instead, so that no other suite sees the failover.
enum RedisSentinelServers {
    static let url = ProcessInfo.processInfo.environment["TESSERA_TEST_REDIS_SENTINEL_URL"]

    static let shouldRun = url != nil || RedisServer.isRequired

    static func requireURL() throws -> String {
        guard let url else { throw ServerUnavailable("TESSERA_TEST_REDIS_SENTINEL_URL is not set but servers are required") }
        return url
    }
}

/// A primary, one replica and three sentinels of a test's own, each a ``RedisServer`` in its own
/// process group, watching the master `resp-test` with a down-after of 1 s.
final class RedisSentinelDeployment {
    static let masterName = "resp-test"

    let primary: RedisServer
    let replica: RedisServer
    let sentinels: [RedisServer]

    var url: String {
        "redis+sentinel://\(self.sentinels.map { "127.0.0.1:\($0.port)" }.joined(separator: ","))/\(Self.masterName)"
    }

    private init(primary: RedisServer, replica: RedisServer, sentinels: [RedisServer]) {
        self.primary = primary
        self.replica = replica
        self.sentinels = sentinels
    }

    /// Starts the servers and waits until the replica has synchronised and every sentinel names the
    /// primary and knows the replica and the two other sentinels, so that a failover can happen.
    static func start() async throws -> RedisSentinelDeployment {
        var started: [RedisServer] = []
        do {
            let primary = try await RedisServer.start()
            started.append(primary)
            let replica = try await RedisServer.start(["replicaof 127.0.0.1 \(primary.port)"])
            started.append(replica)
            var sentinels: [RedisServer] = []
            for _ in 0..<3 {
                let sentinel = try await RedisServer.start(
                    [
                        "sentinel monitor \(masterName) 127.0.0.1 \(primary.port) 2",
                        "sentinel down-after-milliseconds \(masterName) 1000",
                        "sentinel failover-timeout \(masterName) 5000",
                    ],
                    sentinel: true
                )
                started.append(sentinel)
                sentinels.append(sentinel)
            }
            let deployment = RedisSentinelDeployment(primary: primary, replica: replica, sentinels: sentinels)
            try await deployment.waitUntilReady()
            return deployment
        } catch {
            for server in started { server.stop() }
            throw error
        }
    }

    func stop() {
        for server in [self.primary, self.replica] + self.sentinels { server.stop() }
    }

    /// Sends `command` straight to `server` (a data node or a sentinel).
    func ask(_ server: RedisServer, _ command: String...) async throws -> RESPValue {
        let connection = try await RedisConnection.connect(
            configuration: try RedisConfiguration(url: server.url),
            eventLoop: MultiThreadedEventLoopGroup.singleton.next()
        )
        do {
            let reply = try await connection.send(RedisCommand(command), timeout: .seconds(5))
            await connection.close()
            return reply
        } catch {
            await connection.close()
            throw error
        }
    }

    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await self.isReady() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ServerUnavailable("the sentinels of \(self.url) did not agree on the primary within 60 s")
    }

    private func isReady() async throws -> Bool {
        let replication = try await self.ask(self.replica, "INFO", "replication").string ?? ""
        guard replication.contains("master_link_status:up") else { return false }
        for sentinel in self.sentinels {
            let address = try await self.ask(sentinel, "SENTINEL", "get-master-addr-by-name", Self.masterName)
            guard address.array?.last?.int == self.primary.port else { return false }
            var fields: [String: String] = [:]
            for (key, value) in try await self.ask(sentinel, "SENTINEL", "master", Self.masterName).map ?? [] {
                if let key = key.string { fields[key] = value.string }
            }
            guard fields["num-slaves"] == "1", fields["num-other-sentinels"] == "2" else { return false }
        }
        return true
    }
}

/// Runs `body` against a fresh deployment, stopping every server however `body` ends.
func withRedisSentinelDeployment(_ body: (RedisSentinelDeployment) async throws -> Void) async throws {
    let deployment = try await RedisSentinelDeployment.start()
    defer { deployment.stop() }
    try await body(deployment)
}
