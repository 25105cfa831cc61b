import NIOCore
import RedisTestServers
import Testing

@testable import RESP

@Suite(
    "Writes acknowledged by replicas",
    .enabled(
        if: RedisServer.shouldRun,
        "redis-server is not on PATH; install it to run these tests (with CI or TESSERA_REQUIRE_SERVERS set they fail instead)"
    )
)
struct ReplicaAcknowledgementTests {
    @Test("a lone server has no replica to wait for: no WAIT is sent")
    func loneServer() async throws {
        try await withRedisServer { server in
            try await withClient(try RedisConfiguration(url: server.url)) { client in
                let (reply, acknowledgements) = try await client.send(
                    RedisCommand(["SET", "k", "v"]), acknowledgedBy: 1, within: .seconds(30)
                )
                #expect(reply == .simpleString("OK"))
                #expect(acknowledgements == nil)
                // WAIT 1 would have blocked for its whole timeout; INFO shows no WAIT ran.
                let stats = try await client.send("INFO", "commandstats").string ?? ""
                #expect(!stats.contains("cmdstat_wait:"))
            }
        }
    }

    @Test("with a replica attached, the write and the replica's acknowledgement come back together")
    func withReplica() async throws {
        try await withRedisServer { primary in
            try await withRedisServer(["replicaof 127.0.0.1 \(primary.port)"]) { replica in
                try await withClient(try RedisConfiguration(url: primary.url)) { client in
                    try await waitForReplicaOnline { try await client.send("INFO", "replication").string ?? "" }
                    let revoke = RedisScript("return redis.call('DEL', KEYS[1])")
                    try await client.send("SET", "session", "live")
                    let (reply, acknowledgements) = try await client.run(
                        revoke, keys: ["session"], arguments: [], acknowledgedBy: 1, within: .seconds(5)
                    )
                    #expect(reply.int == 1)
                    #expect(acknowledgements == 1)
                    try await withClient(try RedisConfiguration(url: replica.url)) { replicaClient in
                        let exists = try await replicaClient.send("EXISTS", "session").int
                        #expect(exists == 0)
                    }
                }
            }
        }
    }

    @Test("on the cluster each primary's replica acknowledges", .enabled(if: RedisClusterServers.shouldRun))
    func cluster() async throws {
        try await withClient(try RedisConfiguration(url: try RedisClusterServers.requireURL())) { client in
            for key in ["ack:a", "ack:b", "ack:c", "ack:d"] {
                let (reply, acknowledgements) = try await client.send(
                    RedisCommand(["SET", key, "v", "EX", "60"]), acknowledgedBy: 1, within: .seconds(5)
                )
                #expect(reply == .simpleString("OK"))
                #expect(acknowledgements == 1)
            }
        }
    }
}
