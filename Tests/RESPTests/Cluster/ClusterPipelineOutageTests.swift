import Foundation
import NIOPosix
import RedisTestServers
import Testing

@testable import RESP

/// A cluster of the suite's own (three primaries without replicas, so that nothing is
/// promoted), one of whose primaries is killed: a pipeline over keys of every shard is sent to
/// the primaries concurrently, and the dead shard's commands must fail alone.
@Suite(
    "A cluster pipeline with one primary down",
    .enabled(if: RedisServer.shouldRun, "redis-server is not installed (with CI or TESSERA_REQUIRE_SERVERS set this fails instead)")
)
struct ClusterPipelineOutageTests {
    /// The slot ranges of the three primaries.
    static let ranges = [(0, 5460), (5461, 10922), (10923, 16383)]

    @Test("the dead shard's commands fail with connectionUnavailable; the others' are answered in order")
    func deadShard() async throws {
        // A long node timeout and partial coverage: the live primaries keep serving their slots
        // and keep naming the dead one, as in the seconds before a failover is decided.
        let directives = ["cluster-enabled yes", "cluster-node-timeout 60000", "cluster-require-full-coverage no"]
        var servers: [RedisServer] = []
        defer { for server in servers { server.stop() } }
        for _ in Self.ranges { servers.append(try await RedisServer.start(directives)) }
        try await Self.formCluster(servers)

        let seeds = servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
        let client = RedisClient(configuration: try RedisConfiguration(url: "redis://\(seeds)?timeout=500ms"))
        defer { Task { await client.close() } }

        let keys = (0..<30).map { "outage:\($0)" }
        let shard = { (key: String) in Self.ranges.firstIndex { $0.0...$0.1 ~= RedisHashSlot(key: key).rawValue }! }
        #expect(Set(keys.map(shard)) == [0, 1, 2], "the keys do not reach every shard")
        let sets = try await client.pipeline(keys.map { RedisCommand(["SET", $0, $0]) })
        #expect(sets.allSatisfy { (try? $0.get()) == .simpleString("OK") })

        servers[2].crash()
        let replies = try await client.pipeline(keys.map { RedisCommand(["GET", $0]) })
        for (key, reply) in zip(keys, replies) {
            if shard(key) == 2 {
                guard case .failure(.connectionUnavailable) = reply else {
                    Issue.record("\(key), on the dead primary, answered \(reply)")
                    continue
                }
            } else {
                #expect(try reply.get().string == key)
            }
        }
    }

    /// Gives each server its range, introduces them to one another and waits until every one
    /// sees the whole slot map.
    static func formCluster(_ servers: [RedisServer]) async throws {
        let connections = try await servers.asyncMap { server in
            try await RedisConnection.connect(
                configuration: try RedisConfiguration(url: server.url), eventLoop: MultiThreadedEventLoopGroup.singleton.any())
        }
        defer { Task { for connection in connections { await connection.close() } } }
        for (connection, range) in zip(connections, Self.ranges) {
            try await connection.send(RedisCommand(["CLUSTER", "ADDSLOTSRANGE", "\(range.0)", "\(range.1)"]), timeout: .seconds(5))
        }
        for server in servers.dropFirst() {
            try await connections[0].send(RedisCommand(["CLUSTER", "MEET", "127.0.0.1", "\(server.port)"]), timeout: .seconds(5))
        }
        for _ in 0..<400 {
            var complete = true
            for connection in connections {
                let shards = try await connection.send(RedisCommand(["CLUSTER", "SLOTS"]), timeout: .seconds(5)).array ?? []
                let info = try await connection.send(RedisCommand(["CLUSTER", "INFO"]), timeout: .seconds(5)).string ?? ""
                if shards.count != Self.ranges.count || !info.contains("cluster_state:ok") { complete = false }
            }
            if complete { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerUnavailable("the cluster did not form")
    }
}
