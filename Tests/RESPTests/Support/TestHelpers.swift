import NIOCore
import NIOPosix
import Synchronization
import Testing

import RESP

/// Runs `body` with a client, closing the client however `body` ends.
func withClient(
    _ configuration: RedisConfiguration,
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    _ body: (RedisClient) async throws -> Void
) async throws {
    let client = RedisClient(configuration: configuration, eventLoopGroup: group)
    do {
        try await body(client)
    } catch {
        await client.close()
        throw error
    }
    await client.close()
}

/// Expects `body` to throw ``RedisClientError/server(_:)`` with a message starting with `prefix`.
func expectServerError(
    _ prefix: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> RESPValue
) async {
    await #expect(sourceLocation: sourceLocation) {
        _ = try await body()
    } throws: { error in
        guard case .server(let message) = error as? RedisClientError else { return false }
        return message.hasPrefix(prefix)
    }
}

/// Expects `body` to throw ``RedisClientError/connectionUnavailable(_:)`` and returns its message.
@discardableResult
func expectUnavailable(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> RESPValue
) async -> String? {
    do {
        let reply = try await body()
        Issue.record("expected connectionUnavailable, got \(reply)", sourceLocation: sourceLocation)
    } catch RedisClientError.connectionUnavailable(let message) {
        return message
    } catch {
        Issue.record("expected connectionUnavailable, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

extension RESPValue {
    static func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }
}

/// Calls the client from a task that runs on `loop`, the way code bound to an event loop does.
actor EventLoopBoundCaller {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        self.loop.executor.asUnownedSerialExecutor()
    }

    func send(_ arguments: String..., via client: RedisClient) async throws -> RESPValue {
        self.loop.preconditionInEventLoop()
        return try await client.send(RedisCommand(arguments))
    }
}

/// A listening socket on 127.0.0.1, on a port the system picks, that hands every connection it
/// accepts to `initializer`: the base of the small fake servers these tests talk to.
struct LoopbackListener: Sendable {
    let channel: any Channel

    var endpoint: RedisEndpoint { RedisEndpoint(host: "127.0.0.1", port: self.channel.localAddress?.port ?? 0) }

    static func start(
        _ initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) async throws -> LoopbackListener {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer(initializer)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return LoopbackListener(channel: channel)
    }

    func stop() async {
        try? await self.channel.close()
    }
}

/// A server on 127.0.0.1 that accepts connections and closes each at once, counting them: a
/// port where every connection attempt fails after the TCP handshake.
final class ClosingListener: Sendable {
    private final class Count: Sendable {
        let value = Atomic<Int>(0)
    }

    private let listener: LoopbackListener
    private let count: Count

    var port: Int { self.listener.endpoint.port }
    var accepted: Int { self.count.value.load(ordering: .relaxed) }

    static func start() async throws -> ClosingListener {
        let count = Count()
        let listener = try await LoopbackListener.start { channel in
            count.value.add(1, ordering: .relaxed)
            return channel.close()
        }
        return ClosingListener(listener: listener, count: count)
    }

    private init(listener: LoopbackListener, count: Count) {
        self.listener = listener
        self.count = count
    }

    func stop() async {
        await self.listener.stop()
    }
}
