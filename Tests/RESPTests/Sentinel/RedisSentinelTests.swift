import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import RESP

@Suite(
    "Client of a Sentinel-managed primary",
    .enabled(
        if: RedisSentinelServers.shouldRun,
        "TESSERA_TEST_REDIS_SENTINEL_URL is not set; run scripts/test to start Sentinel (with CI or TESSERA_REQUIRE_SERVERS set this fails instead)"
    )
)
struct RedisSentinelTests {
    /// Keys and channels of this run only, so that suites sharing the deployment do not meet.
    let prefix = "resp-test:\(UUID().uuidString)"

    @Test("the primary the sentinels name is found and is the server commands reach")
    func discovery() async throws {
        let configuration = try RedisConfiguration(url: try RedisSentinelServers.requireURL())
        let named = try await Self.primaryNamed(by: configuration)
        try await withClient(configuration) { client in
            let role = try await client.send("ROLE")
            #expect(role.array?.first?.string == "master")
            #expect(try await servedPort(client) == named.port)
        }
    }

    @Test("commands, scripts, pipelined commands and acknowledged writes run on the primary")
    func commandsAndScripts() async throws {
        try await withClient(try RedisConfiguration(url: try RedisSentinelServers.requireURL())) { client in
            let key = "\(self.prefix):counter"
            try await client.send("SET", key, "40", "EX", "60")
            let bump = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
            #expect(try await client.run(bump, keys: [key], arguments: ["2"]).int == 42)
            let replies = try await withThrowingTaskGroup(of: Int?.self) { group in
                for _ in 0..<20 { group.addTask { try await client.send("INCR", key).int } }
                return try await group.reduce(into: [Int?]()) { $0.append($1) }
            }
            #expect(Set(replies.compactMap { $0 }) == Set(43...62))
            let pipelined = try await client.pipeline([RedisCommand(["INCR", key]), RedisCommand(["HGET", key, "field"])])
            #expect(try pipelined[0].get().int == 63)
            guard case .failure(.server(let message)) = pipelined[1] else {
                Issue.record("HGET on a string answered \(pipelined[1])")
                return
            }
            #expect(message.hasPrefix("WRONGTYPE"))
            // The deployment has one replica, so the write is acknowledged by it.
            let (reply, acknowledgements) = try await client.send(RedisCommand(["DEL", key]), acknowledgedBy: 1, within: .seconds(2))
            #expect(reply.int == 1)
            #expect(acknowledgements == 1)
        }
    }

    @Test("pub/sub goes through the primary")
    func pubSub() async throws {
        try await withClient(try RedisConfiguration(url: try RedisSentinelServers.requireURL())) { client in
            let channel = "\(self.prefix):news"
            let subscription = try await client.subscribe(to: [channel])
            #expect(try await client.publish(ByteBuffer(string: "hello"), to: channel) == 1)
            var messages = subscription.makeAsyncIterator()
            #expect(try await messages.next()?.payload == ByteBuffer(string: "hello"))
            await subscription.unsubscribe()
        }
    }

    @Test("a sentinel that names a replica or an unreachable server is passed over for one that names the primary")
    func staleSentinels() async throws {
        var configuration = try RedisConfiguration(url: try RedisSentinelServers.requireURL())
        let primary = try await Self.primaryNamed(by: configuration)
        let replica = try await Self.replica(of: primary, configuration)
        let stale = try await FakeSentinel.start(naming: replica)
        let gone = try await FakeSentinel.start(naming: RedisEndpoint(host: "127.0.0.1", port: 1))
        defer { Task { await stale.stop(); await gone.stop() } }
        let real = configuration.sentinel?.sentinels ?? []
        configuration.sentinel?.sentinels = [stale.endpoint, gone.endpoint] + real
        try await withClient(configuration) { client in
            let port = try await servedPort(client)
            #expect(port == primary.port)
            #expect(try await client.send("ROLE").array?.first?.string == "master")
        }

        // With only those two, no primary can be confirmed, and the error says why for each.
        configuration.sentinel?.sentinels = [stale.endpoint, gone.endpoint]
        try await withClient(configuration) { client in
            let message = await expectUnavailable { try await client.send("GET", "\(self.prefix):k") }
            #expect(message?.contains("\(replica), named by sentinel \(stale.endpoint), is a replica, not a master") == true)
            #expect(message?.contains("127.0.0.1:1, named by sentinel \(gone.endpoint), cannot be used") == true)
        }
    }

    @Test("a master name no sentinel monitors fails at once, naming it")
    func wrongMasterName() async throws {
        var configuration = try RedisConfiguration(url: try RedisSentinelServers.requireURL())
        configuration.sentinel?.masterName = "no-such-master"
        try await withClient(configuration) { client in
            let message = await expectUnavailable { try await client.send("GET", "\(self.prefix):k") }
            #expect(message?.contains("no primary found for 'no-such-master'") == true)
            #expect(message?.contains("monitors no master named 'no-such-master'") == true)
            await #expect(throws: RedisClientError.self) { try await client.subscribe(to: ["\(self.prefix):news"]) }
        }

        // Not retried: asking again within a second would not make the name known.
        let unknowing = try await FakeSentinel.start(naming: nil)
        configuration.sentinel?.sentinels = [unknowing.endpoint]
        try await withClient(configuration) { client in
            await expectUnavailable { try await client.send("GET", "\(self.prefix):k") }
            #expect(unknowing.asked == 1)
        }
        await unknowing.stop()
    }

    @Test("unreachable sentinels and a wrong sentinel password give errors naming each sentinel, without the password")
    func unreachableSentinels() async throws {
        var configuration = try RedisConfiguration(url: try RedisSentinelServers.requireURL())
        let real = try #require(configuration.sentinel?.sentinels.first)
        configuration.sentinel?.sentinels = [RedisEndpoint(host: "127.0.0.1", port: 1), RedisEndpoint(host: "127.0.0.1", port: 2)]
        try await withClient(configuration) { client in
            let message = await expectUnavailable { try await client.send("GET", "\(self.prefix):k") }
            #expect(message?.contains("sentinel 127.0.0.1:1: cannot connect to 127.0.0.1:1") == true)
            #expect(message?.contains("sentinel 127.0.0.1:2: cannot connect to 127.0.0.1:2") == true)
        }

        configuration.sentinel?.sentinels = [real]
        configuration.sentinel?.password = "not-the-sentinel-password"
        try await withClient(configuration) { client in
            let message = await expectUnavailable { try await client.send("GET", "\(self.prefix):k") }
            #expect(message?.contains("sentinel \(real): WRONGPASS") == true)
            #expect(message?.contains("not-the-sentinel-password") == false)
        }
    }

    /// The primary the first sentinel of `configuration` names, asked directly.
    private static func primaryNamed(by configuration: RedisConfiguration) async throws -> RedisEndpoint {
        let sentinel = try #require(configuration.sentinel)
        var direct = RedisConfiguration(host: sentinel.sentinels[0].host, port: sentinel.sentinels[0].port)
        direct.username = sentinel.username
        direct.password = sentinel.password
        let reply = try await Self.direct(direct, ["SENTINEL", "get-master-addr-by-name", sentinel.masterName])
        let parts = try #require(reply.array)
        return RedisEndpoint(host: try #require(parts.first?.string), port: try #require(parts.last?.int))
    }

    /// The first replica `primary` reports in its `ROLE`.
    private static func replica(of primary: RedisEndpoint, _ configuration: RedisConfiguration) async throws -> RedisEndpoint {
        var direct = configuration
        direct.sentinel = nil
        direct.host = primary.host
        direct.port = primary.port
        let role = try await Self.direct(direct, ["ROLE"])
        let first = try #require(role.array?.last?.array?.first?.array)
        return RedisEndpoint(host: try #require(first.first?.string), port: try #require(first.dropFirst().first?.int))
    }

    private static func direct(_ configuration: RedisConfiguration, _ command: [String]) async throws -> RESPValue {
        let connection = try await RedisConnection.connect(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        defer { Task { await connection.close() } }
        return try await connection.send(RedisCommand(command), timeout: .seconds(2))
    }
}

/// The port of the server `client` sends its commands to.
func servedPort(_ client: RedisClient) async throws -> Int? {
    try await client.send("CONFIG", "GET", "port").map?.first?.value.int
}
