import NIOCore
import Testing

import RESP

@Suite(
    "Client against a redis-server over TLS",
    .enabled(
        if: RedisTLSServer.shouldRun,
        "TESSERA_TEST_REDIS_TLS_URL is not set; run scripts/test to start a TLS redis-server (with CI or TESSERA_REQUIRE_SERVERS set this fails instead)"
    )
)
struct RedisTLSTests {
    @Test("rediss:// with the server's CA: commands and scripts on the pool")
    func commands() async throws {
        try await withClient(try RedisConfiguration(url: try RedisTLSServer.requireURL())) { client in
            let key = "tls-test:\(UInt64.random(in: 0...UInt64.max))"
            try await client.send("SET", key, "over tls", "EX", "60")
            #expect(try await client.send("GET", key).string == "over tls")
            let length = RedisScript("return redis.call('STRLEN', KEYS[1])")
            #expect(try await client.run(length, keys: [key], arguments: []).int == 8)
            // Many commands in flight at once are pipelined through the TLS handler in order.
            let replies = try await withThrowingTaskGroup(of: Int.self) { group in
                for number in 0..<50 { group.addTask { try await client.send("ECHO", "\(number)").string.flatMap(Int.init) ?? -1 } }
                return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
            }
            #expect(replies == Set(0..<50))
            try await client.send("DEL", key)
        }
    }

    @Test("pub/sub over TLS: the subscriber connection is encrypted too")
    func pubSub() async throws {
        try await withClient(try RedisConfiguration(url: try RedisTLSServer.requireURL())) { client in
            let channel = "tls-test-events:\(UInt64.random(in: 0...UInt64.max))"
            let subscription = try await client.subscribe(to: [channel])
            #expect(try await client.publish(ByteBuffer(string: "hello"), to: channel) == 1)
            var iterator = subscription.makeAsyncIterator()
            let message = try #require(try await iterator.next())
            #expect(message.channel == channel)
            #expect(String(buffer: message.payload) == "hello")
            await subscription.unsubscribe()
        }
    }

    @Test("a certificate from a CA the client does not trust is refused")
    func untrustedCertificate() async throws {
        // The system's roots do not include the test script's throwaway CA.
        try await withClient(try RedisConfiguration(url: try RedisTLSServer.withoutCA())) { client in
            let message = await expectUnavailable { try await client.send("PING") }
            #expect(message?.hasPrefix("TLS handshake with 127.0.0.1") == true, "\(message ?? "")")
            #expect(message?.uppercased().contains("CERTIFICATE_VERIFY_FAILED") == true, "\(message ?? "")")
        }
    }

    @Test("a missing CA file fails the command, it does not crash or connect in clear")
    func missingCAFile() async throws {
        let url = try RedisTLSServer.withoutCA() + "?ca_file=/nonexistent/ca.pem"
        try await withClient(try RedisConfiguration(url: url)) { client in
            await expectUnavailable { try await client.send("PING") }
        }
    }

    @Test("redis:// to a TLS port fails instead of hanging")
    func plainToTLSPort() async throws {
        let url = try RedisTLSServer.withoutCA().replacingOccurrences(of: "rediss://", with: "redis://") + "?timeout=1s&connect_timeout=1s"
        try await withClient(try RedisConfiguration(url: url)) { client in
            await #expect(throws: RedisClientError.self) { try await client.send("PING") }
        }
    }
}
