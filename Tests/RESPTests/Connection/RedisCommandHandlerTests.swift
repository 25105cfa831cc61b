import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import RESP

@Suite("Command handler")
struct RedisCommandHandlerTests {
    @Test("pipelined commands leave in one flush and replies are matched in order")
    func fifo() throws {
        let connection = try TestConnection()
        let first = connection.send(["SET", "a", "1"])
        let second = connection.send(["GET", "a"])
        let third = connection.send(["INCR", "n"])
        #expect(try connection.written() == nil)
        connection.channel.embeddedEventLoop.run()
        #expect(
            try connection.written()
                == "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"
        )
        try connection.receive("+OK\r\n$1\r\n1\r\n:")
        #expect(try connection.result(first) == .success(.simpleString("OK")))
        #expect(try connection.result(second) == .success(.bulkString(ByteBuffer(string: "1"))))
        #expect(try connection.result(third) == nil)
        try connection.receive("5\r\n")
        #expect(try connection.result(third) == .success(.integer(5)))
    }

    @Test("a command with a large argument leaves whole, and its connection does not keep a buffer that large")
    func largeCommand() throws {
        let connection = try TestConnection()
        let value = String(repeating: "v", count: 1_000_000)
        let set = connection.send(["SET", "big", value])
        connection.channel.embeddedEventLoop.run()
        #expect(try connection.written() == "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$1000000\r\n\(value)\r\n")
        #expect(try connection.handler().outbound.capacity <= RedisCommandHandler.outboundCapacity.retained)
        try connection.receive("+OK\r\n")
        #expect(try connection.result(set) == .success(.simpleString("OK")))
    }

    @Test("an error reply fails its own command only")
    func serverError() throws {
        let connection = try TestConnection()
        let failing = connection.send(["INCR", "greeting"])
        let next = connection.send(["PING"])
        try connection.receive("-ERR value is not an integer or out of range\r\n+PONG\r\n")
        #expect(try connection.result(failing) == .failure(.server("ERR value is not an integer or out of range")))
        #expect(try connection.result(next) == .success(.simpleString("PONG")))
    }

    @Test("push messages are not taken for replies")
    func pushSkipped() throws {
        let connection = try TestConnection()
        let get = connection.send(["GET", "a"])
        try connection.receive(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n_\r\n")
        #expect(try connection.result(get) == .success(.null))
    }

    @Test("a timeout fails that command, fails every other waiting command, and closes the connection")
    func timeout() throws {
        let connection = try TestConnection()
        let slow = connection.send(["DEBUG", "SLEEP", "1"], timeout: .milliseconds(200))
        let behind = connection.send(["PING"], timeout: .seconds(10))
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(199))
        #expect(try connection.result(slow) == nil)
        #expect(!connection.health.isRetired)
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(try connection.result(slow) == .failure(.timeout))
        // Retired before the channel finishes closing, so the pool hands out a fresh one.
        #expect(connection.health.isRetired)
        #expect(try connection.result(behind) == .failure(.connectionUnavailable("connection closed after a command timed out")))
        #expect(!connection.channel.isActive)
        let late = connection.send(["PING"])
        #expect(try connection.result(late) == .failure(.connectionUnavailable("connection closed")))
    }

    @Test("a reply nobody asked for closes the connection")
    func unexpectedReply() throws {
        let connection = try TestConnection()
        try connection.receive(":1\r\n")
        #expect(!connection.channel.isActive)
    }

    @Test("malformed input fails waiting commands with a protocol error")
    func malformedInput() throws {
        let connection = try TestConnection()
        let waiting = connection.send(["GET", "a"])
        try connection.receive("?\r\n")
        #expect(try connection.result(waiting) == .failure(.protocolError("unknown type byte 0x3f")))
        #expect(!connection.channel.isActive)
    }

    @Test("closing fails waiting commands with closed, and the server closing with connectionUnavailable")
    func closing() throws {
        let closedByUs = try TestConnection()
        let waiting = closedByUs.send(["GET", "a"])
        try closedByUs.channel.close().wait()
        #expect(try closedByUs.result(waiting) == .failure(.closed))

        let closedByServer = try TestConnection()
        let lost = closedByServer.send(["GET", "a"])
        closedByServer.channel.pipeline.fireChannelInactive()
        #expect(try closedByServer.result(lost) == .failure(.connectionUnavailable("connection closed by the server")))
    }

    @Test("when the connection fails, commands it had written may have run, those still in its buffer were never sent")
    func unsentCommands() throws {
        let connection = try TestConnection()
        let written = connection.send(["INCR", "n"])
        connection.channel.embeddedEventLoop.run()
        #expect(try connection.written() != nil)
        let buffered = connection.send(["INCR", "n"])
        connection.channel.pipeline.fireChannelInactive()
        #expect(try connection.result(written) == .failure(.connectionUnavailable("connection closed by the server")))
        #expect(try !connection.wasUnsent(written))
        #expect(try connection.result(buffered) == .failure(.connectionUnavailable("connection closed by the server")))
        #expect(try connection.wasUnsent(buffered))

        let late = connection.send(["PING"])
        #expect(try connection.wasUnsent(late))
        #expect(try connection.written() == nil)
    }

    @Test("a timeout marks only the commands not yet written as never sent")
    func unsentAfterTimeout() throws {
        let connection = try TestConnection()
        let slow = connection.send(["DEBUG", "SLEEP", "1"], timeout: .milliseconds(200))
        let behind = connection.send(["PING"], timeout: .seconds(10))
        connection.channel.embeddedEventLoop.run()
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(200))
        #expect(try connection.result(slow) == .failure(.timeout))
        #expect(try !connection.wasUnsent(behind))
    }
}

/// An embedded channel with the connection's pipeline, driven by hand.
private struct TestConnection {
    let channel = EmbeddedChannel()
    let health = ConnectionHealth()

    init() throws {
        try self.channel.pipeline.syncOperations.addHandler(
            RedisCommandHandler(health: self.health, logger: Logger(label: "test"))
        )
        try self.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 6379)).wait()
    }

    func send(_ arguments: [String], timeout: Duration = .seconds(2)) -> EventLoopFuture<RESPValue> {
        let promise = self.channel.eventLoop.makePromise(of: RESPValue.self)
        RedisConnection.write(RedisCommand(arguments), timeout: timeout, replyingTo: promise, on: self.channel)
        return promise.futureResult
    }

    func handler() throws -> RedisCommandHandler {
        try self.channel.pipeline.syncOperations.handler(type: RedisCommandHandler.self)
    }

    func written() throws -> String? {
        var bytes = ByteBuffer()
        while var next = try self.channel.readOutbound(as: ByteBuffer.self) {
            bytes.writeBuffer(&next)
        }
        return bytes.readableBytes == 0 ? nil : String(buffer: bytes)
    }

    func receive(_ bytes: String) throws {
        try self.channel.writeInbound(ByteBuffer(string: bytes))
    }

    /// The outcome of a command so far as callers of the library see it, `nil` while it waits.
    func result(_ reply: EventLoopFuture<RESPValue>) throws -> Result<RESPValue, RedisClientError>? {
        var outcome: Result<RESPValue, RedisClientError>?
        reply.assumeIsolated().whenComplete { outcome = RedisConnection.outcome($0) }
        self.channel.embeddedEventLoop.run()
        return outcome
    }

    /// Whether a command failed without having been sent, and so may be sent again elsewhere.
    func wasUnsent(_ reply: EventLoopFuture<RESPValue>) throws -> Bool {
        var unsent = false
        reply.assumeIsolated().whenFailure { unsent = $0 is UnsentCommand }
        self.channel.embeddedEventLoop.run()
        return unsent
    }
}
