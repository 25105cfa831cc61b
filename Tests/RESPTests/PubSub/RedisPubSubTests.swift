import NIOCore
import NIOPosix
import RedisTestServers
import Testing

@testable import RESP

@Suite(
    "Pub/sub against redis-server",
    .enabled(
        if: RedisServer.shouldRun,
        "redis-server is not on PATH; install it to run these tests (with CI or TESSERA_REQUIRE_SERVERS set they fail instead)"
    )
)
struct RedisPubSubTests {
    @Test("messages arrive in order to every subscription of the channel; unsubscribe ends the sequence")
    func publishAndReceive() async throws {
        try await withRedisServer { server in
            try await withClient(try RedisConfiguration(url: server.url)) { client in
                let first = try await client.subscribe(to: ["news", "other"])
                let second = try await client.subscribe(to: ["news"])
                // Two subscriptions of one client share one connection: the server counts it once.
                #expect(try await client.publish(ByteBuffer(string: "one"), to: "news") == 1)
                try await client.publish(ByteBuffer(string: "two"), to: "news")
                try await client.publish(ByteBuffer(string: "three"), to: "other")
                #expect(try await next(first, 3) == ["news:one", "news:two", "other:three"])
                #expect(try await next(second, 2) == ["news:one", "news:two"])

                await second.unsubscribe()
                #expect(try await client.publish(ByteBuffer(string: "four"), to: "news") == 1)
                #expect(try await next(first, 1) == ["news:four"])
                var rest = second.makeAsyncIterator()
                #expect(try await rest.next() == nil)

                await first.unsubscribe()
                try await expectReceivers(0, on: "news", client)
            }
        }
    }

    @Test("on a RESP2 server the subscriber reads subscribe-mode arrays")
    func resp2() async throws {
        try await withRedisServer(["rename-command HELLO \"\""]) { server in
            try await withClient(try RedisConfiguration(url: server.url)) { client in
                let subscription = try await client.subscribe(to: ["news"])
                let payload = ByteBuffer(bytes: [0, 13, 10, 255])
                #expect(try await client.publish(payload, to: "news") == 1)
                var messages = subscription.makeAsyncIterator()
                #expect(try await messages.next() == RedisPubSubMessage(channel: "news", payload: payload))
            }
        }
    }

    @Test("a subscription survives a restart of the server and receives what is published after it")
    func resubscribesAfterRestart() async throws {
        try await withRedisServer { server in
            try await withClient(try RedisConfiguration(url: server.url)) { client in
                let subscription = try await client.subscribe(to: ["news"])
                var messages = subscription.makeAsyncIterator()
                try await client.publish(ByteBuffer(string: "before"), to: "news")
                #expect(try await messages.next()?.payload == ByteBuffer(string: "before"))

                try await server.restart()
                try await expectReceivers(1, on: "news", client)
                try await client.publish(ByteBuffer(string: "after"), to: "news")
                #expect(try await messages.next()?.payload == ByteBuffer(string: "after"))
            }
        }
    }

    @Test("a consumer that falls behind gets the buffered messages, then subscriberTooSlow")
    func slowConsumer() async throws {
        try await withRedisServer { server in
            var configuration = try RedisConfiguration(url: server.url)
            configuration.subscriptionBufferSize = 4
            try await withClient(configuration) { client in
                let subscription = try await client.subscribe(to: ["news"])
                for number in 1...10 {
                    try await client.publish(ByteBuffer(string: "\(number)"), to: "news")
                }
                // Overflowing ends the subscription and unsubscribes its channel on the server.
                try await expectReceivers(0, on: "news", client)
                var received: [String] = []
                await #expect(throws: RedisClientError.subscriberTooSlow) {
                    for try await message in subscription { received.append(String(buffer: message.payload)) }
                }
                #expect(received == ["1", "2", "3", "4"])
            }
        }
    }

    @Test("subscribing while the server is down fails instead of waiting forever")
    func unavailable() async throws {
        try await withRedisServer { server in
            try await withClient(try RedisConfiguration(url: server.url)) { client in
                server.crash()
                await #expect {
                    _ = try await client.subscribe(to: ["news"])
                } throws: { error in
                    if case .connectionUnavailable = error as? RedisClientError { return true }
                    return false
                }
            }
        }
    }
}

/// The next `count` messages of `subscription`, as `channel:payload`.
private func next(_ subscription: RedisSubscription, _ count: Int) async throws -> [String] {
    var messages = subscription.makeAsyncIterator()
    var received: [String] = []
    while received.count < count, let message = try await messages.next() {
        received.append("\(message.channel):\(String(buffer: message.payload))")
    }
    return received
}

/// Waits (up to 10 s) until `channel` has `count` subscribers on the server.
private func expectReceivers(
    _ count: Int,
    on channel: String,
    _ client: RedisClient,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    for _ in 0..<200 {
        let reply = try? await client.send("PUBSUB", "NUMSUB", channel)
        if reply?.array?.last?.int == count { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("\(channel) never had \(count) subscribers", sourceLocation: sourceLocation)
}
