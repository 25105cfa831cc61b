import Foundation
import NIOCore
import NIOPosix
import RedisTestServers
import Testing

@testable import RESP

@Suite(
    "Client against a Redis Cluster",
    .enabled(
        if: RedisClusterServers.shouldRun,
        "TESSERA_TEST_REDIS_CLUSTER_URL is not set; run scripts/test to start a cluster (with CI or TESSERA_REQUIRE_SERVERS set this fails instead)"
    )
)
struct RedisClusterTests {
    /// Keys of this run only, so that suites sharing the cluster do not meet.
    let prefix = "resp-test:\(UUID().uuidString)"

    @Test("the cluster is detected and every key reaches the primary of its slot")
    func routing() async throws {
        let url = try RedisClusterServers.requireURL()
        try await withClient(try RedisConfiguration(url: url)) { client in
            guard case .cluster(let router) = try await client.currentTopology(on: MultiThreadedEventLoopGroup.singleton.any()) else {
                Issue.record("the cluster was taken for a standalone server")
                return
            }
            let keys = (0..<60).map { "\(self.prefix):\($0)" }
            for key in keys { try await client.send("SET", key, key, "EX", "60") }
            for key in keys { #expect(try await client.send("GET", key).string == key) }

            // Asked directly, without routing, each key is on exactly the node the map names.
            let configuration = try RedisConfiguration(url: url)
            var misplaced = 0
            for key in keys {
                let slot = RedisHashSlot(key: key)
                let node = router.node(serving: slot)
                var direct = configuration
                direct.host = node.host
                direct.port = node.port
                let connection = try await RedisConnection.connect(configuration: direct, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
                if try await connection.send(RedisCommand(["GET", key]), timeout: .seconds(2)).string != key { misplaced += 1 }
                await connection.close()
            }
            #expect(misplaced == 0)
            let nodes = Set(keys.map { router.node(serving: RedisHashSlot(key: $0)) })
            #expect(nodes.count == 3)
        }
    }

    @Test("keys in different slots are refused before sending; a shared hash tag makes them one slot")
    func crossSlot() async throws {
        try await withClient(try RedisConfiguration(url: try RedisClusterServers.requireURL())) { client in
            await #expect(throws: RedisClientError.crossSlot("MSET")) {
                try await client.send("MSET", "\(self.prefix):a", "1", "\(self.prefix):b", "2")
            }
            let tagged = ["{\(self.prefix)}:a", "{\(self.prefix)}:b"]
            try await client.send("MSET", tagged[0], "1", tagged[1], "2")
            #expect(try await client.send("MGET", tagged[0], tagged[1]) == .array([.bulk("1"), .bulk("2")]))
            let sum = RedisScript("return redis.call('GET', KEYS[1]) + redis.call('GET', KEYS[2])")
            #expect(try await client.run(sum, keys: tagged, arguments: []).int == 3)
            await #expect(throws: RedisClientError.crossSlot("EVALSHA")) {
                try await client.run(sum, keys: ["\(self.prefix):a", "\(self.prefix):b"], arguments: [])
            }
            try await client.send("DEL", tagged[0], tagged[1])
        }
    }

    @Test("a pipeline over keys of every shard is split by primary and answered in the commands' order")
    func pipeline() async throws {
        try await withClient(try RedisConfiguration(url: try RedisClusterServers.requireURL())) { client in
            let keys = (0..<60).map { "\(self.prefix):pipeline:\($0)" }
            let sets = keys.map { RedisCommand(["SET", $0, $0, "EX", "60"]) }
            let crossing = RedisCommand(["MGET", keys[0], keys[1]])
            let replies = try await client.pipeline(sets + [crossing] + keys.map { RedisCommand(["GET", $0]) })
            #expect(replies[..<60].allSatisfy { (try? $0.get()) == .simpleString("OK") })
            #expect(replies[60] == .failure(.crossSlot("MGET")))
            #expect(replies[61...].map { try? $0.get().string } == keys)
            for key in keys { try await client.send("DEL", key) }
        }
    }

    /// The migration is carried to its end as a resharding tool would (the keys left on the
    /// source move, then every primary learns the new owner): suites running beside this one
    /// may write keys of the same slot meanwhile, and none of them may be lost.
    @Test("a slot being migrated is followed with ASK, and with MOVED once the migration ends")
    func ask() async throws {
        let url = try RedisClusterServers.requireURL()
        try await withClient(try RedisConfiguration(url: url)) { client in
            guard case .cluster(let router) = try await client.currentTopology(on: MultiThreadedEventLoopGroup.singleton.any()) else {
                Issue.record("the cluster was taken for a standalone server")
                return
            }
            let key = "{\(self.prefix)}:migrating"
            let slot = RedisHashSlot(key: key)
            let source = router.node(serving: slot)
            let target = try #require(router.nodes.first { $0 != source })
            let primaries = router.nodes
            let ids = try await [source, target].asyncMap { try await Self.direct(url, $0, ["CLUSTER", "MYID"]).string ?? "" }
            _ = try await Self.direct(url, target, ["CLUSTER", "SETSLOT", "\(slot)", "IMPORTING", ids[0]])
            _ = try await Self.direct(url, source, ["CLUSTER", "SETSLOT", "\(slot)", "MIGRATING", ids[1]])
            // The key is not on the source, so the source answers ASK and the target takes it.
            try await client.send("SET", key, "moved", "EX", "60")
            #expect(try await client.send("GET", key).string == "moved")
            let held = try await [source, target].asyncMap { node in
                try await Self.direct(url, node, ["CLUSTER", "GETKEYSINSLOT", "\(slot)", "1000"]).array?.compactMap(\.string) ?? []
            }
            #expect(!held[0].contains(key))
            #expect(held[1].contains(key))

            while true {
                let left = try await Self.direct(url, source, ["CLUSTER", "GETKEYSINSLOT", "\(slot)", "100"]).array?.compactMap(\.string) ?? []
                if left.isEmpty { break }
                _ = try await Self.direct(url, source, ["MIGRATE", target.host, "\(target.port)", "", "0", "5000", "KEYS"] + left)
            }
            for node in [target, source] + primaries.filter({ $0 != source && $0 != target }) {
                _ = try await Self.direct(url, node, ["CLUSTER", "SETSLOT", "\(slot)", "NODE", ids[1]])
            }
            // The source now answers MOVED; the client follows it and refreshes its map.
            #expect(try await client.send("GET", key).string == "moved")
            if case .cluster(let refreshed) = try await client.currentTopology(on: MultiThreadedEventLoopGroup.singleton.any()) {
                #expect(refreshed.node(serving: slot) == target)
            }
            try await client.send("DEL", key)
        }
    }

    @Test("sharded pub/sub: channels in different slots each reach their subscriber")
    func shardedPubSub() async throws {
        try await withClient(try RedisConfiguration(url: try RedisClusterServers.requireURL())) { client in
            let channels = ["\(self.prefix):news", "\(self.prefix):sport"]
            #expect(RedisHashSlot(key: channels[0]) != RedisHashSlot(key: channels[1]))
            let subscription = try await client.subscribe(to: channels)
            #expect(try await client.publish(ByteBuffer(string: "a"), to: channels[0]) == 1)
            #expect(try await client.publish(ByteBuffer(string: "b"), to: channels[1]) == 1)
            var received: Set<String> = []
            for try await message in subscription {
                received.insert("\(message.channel)=\(String(buffer: message.payload))")
                if received.count == 2 { break }
            }
            #expect(received == ["\(channels[0])=a", "\(channels[1])=b"])
            await subscription.unsubscribe()
        }
    }

    /// Sends `command` straight to `node`, with no routing.
    private static func direct(_ url: String, _ node: RedisEndpoint, _ command: [String]) async throws -> RESPValue {
        var configuration = try RedisConfiguration(url: url)
        configuration.host = node.host
        configuration.port = node.port
        let connection = try await RedisConnection.connect(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        defer { Task { await connection.close() } }
        return try await connection.send(RedisCommand(command), timeout: .seconds(2))
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
