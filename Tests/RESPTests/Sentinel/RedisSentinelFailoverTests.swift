import Foundation
import NIOCore
import NIOPosix
import RedisTestServers
import Testing

@testable import RESP

/// Failovers of a deployment of the test's own (``RedisSentinelDeployment``): the shared one
/// that scripts/test starts serves other suites at the same time.
@Suite(
    "Client following a Sentinel failover",
    .enabled(
        if: RedisServer.shouldRun,
        "redis-server is not on PATH; install it to run these tests (with CI or TESSERA_REQUIRE_SERVERS set they fail instead)"
    )
)
struct RedisSentinelFailoverTests {
    /// How long a failover may take before the test fails: a forced one takes a few seconds, and a
    /// killed primary is declared down after 1 s, then the sentinels elect a leader, which on a
    /// loaded machine can take a second round (failover-timeout 5 s).
    static let limit = Duration.seconds(45)

    @Test("SENTINEL FAILOVER: the announced switch alone moves the client, then writes and subscriptions run at the promoted replica")
    func forcedFailover() async throws {
        try await withRedisSentinelDeployment { deployment in
            try await withClient(try RedisConfiguration(url: deployment.url)) { client in
                let subscription = try await client.subscribe(to: ["news"])
                try await client.send("SET", "k", "before")
                #expect(try await servedPort(client) == deployment.primary.port)
                guard case .sentinel(let router) = try await client.currentTopology(on: MultiThreadedEventLoopGroup.singleton.any()) else {
                    Issue.record("a redis+sentinel:// client is not following Sentinel")
                    return
                }

                let started = ContinuousClock.now
                _ = try await deployment.ask(deployment.sentinels[0], "SENTINEL", "FAILOVER", RedisSentinelDeployment.masterName)
                // No command is sent meanwhile: only +switch-master can tell the client.
                let promoted = RedisEndpoint(host: "127.0.0.1", port: deployment.replica.port)
                while router.knownPrimary != promoted, ContinuousClock.now - started < Self.limit {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(router.knownPrimary == promoted)
                let announced = ContinuousClock.now - started
                let failures = try await Self.writeUntilServed(by: deployment.replica, client)
                print("Sentinel test: SENTINEL FAILOVER announced and adopted in \(announced); \(failures) writes failed after it")
                #expect(failures == 0)

                try await Self.expectSubscribed(subscription, at: deployment.replica, client)
            }
        }
    }

    @Test("a killed primary: commands wait out the retries or fail as unavailable until the replica is promoted, then run there")
    func killedPrimary() async throws {
        try await withRedisSentinelDeployment { deployment in
            try await withClient(try RedisConfiguration(url: deployment.url)) { client in
                let subscription = try await client.subscribe(to: ["news"])
                try await client.send("SET", "k", "before")
                #expect(try await servedPort(client) == deployment.primary.port)

                let started = ContinuousClock.now
                deployment.primary.crash()
                let failures = try await Self.writeUntilServed(by: deployment.replica, client)
                print("Sentinel test: killed primary replaced and followed in \(ContinuousClock.now - started); \(failures) writes failed meanwhile")

                try await Self.expectSubscribed(subscription, at: deployment.replica, client)
            }
        }
    }

    /// Writes every 50 ms until a write succeeds on `server`; returns how many failed meanwhile,
    /// each with an error that says the store is unavailable (never another error, never a hang).
    private static func writeUntilServed(by server: RedisServer, _ client: RedisClient) async throws -> Int {
        let deadline = ContinuousClock.now + Self.limit
        var failures = 0
        while ContinuousClock.now < deadline {
            do {
                try await client.send("SET", "k", "after")
                if try await servedPort(client) == server.port {
                    try await client.send("SET", "k", "final")
                    #expect(try await client.send("GET", "k").string == "final")
                    return failures
                }
            } catch RedisClientError.connectionUnavailable, RedisClientError.timeout {
                failures += 1
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the client did not reach the new primary on port \(server.port) within \(Self.limit)")
        return failures
    }

    /// The subscription listens at `server` now: the server counts it, and a message published
    /// there arrives.
    private static func expectSubscribed(
        _ subscription: RedisSubscription,
        at server: RedisServer,
        _ client: RedisClient,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        var receivers: Int?
        while ContinuousClock.now < deadline {
            // PUBSUB NUMSUB counts the subscribers of the server asked, which is the primary.
            receivers = try? await client.send("PUBSUB", "NUMSUB", "news").array?.last?.int
            if receivers == 1 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(receivers == 1, "the subscription did not move to the new primary", sourceLocation: sourceLocation)
        #expect(try await servedPort(client) == server.port, sourceLocation: sourceLocation)
        #expect(try await client.publish(ByteBuffer(string: "after"), to: "news") == 1, sourceLocation: sourceLocation)
        var messages = subscription.makeAsyncIterator()
        #expect(try await messages.next()?.payload == ByteBuffer(string: "after"), sourceLocation: sourceLocation)
    }
}
