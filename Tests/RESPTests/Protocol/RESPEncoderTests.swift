import NIOCore
import NIOEmbedded
import Testing

@testable import RESP

@Suite("RESP encoder")
struct RESPEncoderTests {
    @Test("a command is written as an array of bulk strings")
    func arrayOfBulkStrings() throws {
        #expect(try Self.encode(RedisCommand(["SET", "key", "value"])) == "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
    }

    @Test("arguments are binary-safe and may be empty")
    func binaryArguments() throws {
        let command = RedisCommand([ByteBuffer(string: "SET"), ByteBuffer(bytes: [0, 13, 10, 255]), ByteBuffer()])
        var expected = ByteBuffer(string: "*3\r\n$3\r\nSET\r\n$4\r\n")
        expected.writeBytes([0, 13, 10, 255])
        expected.writeString("\r\n$0\r\n\r\n")
        #expect(try Self.encodedBytes(command) == expected)
    }

    @Test("the encoder's output decodes back to the arguments")
    func roundTrip() throws {
        let arguments = ["EVALSHA", "abc", "2", "{u:1}:a", "{u:1}:b", "ünïcødé", ""]
        var buffer = ByteBuffer()
        RESPEncoder().encode(data: RedisCommand(arguments), out: &buffer)
        var decoder = RESPDecoder()
        #expect(try decoder.decode(&buffer)?.array?.map { $0.string } == arguments)
    }

    @Test("lengths of any number of digits are written in decimal, from strings and from bytes alike")
    func multiDigitLengths() throws {
        let long = String(repeating: "x", count: 1234)
        let arguments = ["MSET"] + (1...5).flatMap { ["k\($0)", $0 == 5 ? long : ""] }
        let expected = "*11\r\n$4\r\nMSET\r\n" + (1...5).map { "$2\r\nk\($0)\r\n" + ($0 == 5 ? "$1234\r\n\(long)\r\n" : "$0\r\n\r\n") }.joined()
        #expect(try Self.encode(RedisCommand(arguments)) == expected)
        #expect(try Self.encode(RedisCommand(arguments.map { ByteBuffer(string: $0) })) == expected)
    }

    @Test("commands built from strings and from the same bytes are equal")
    func equality() {
        #expect(RedisCommand(["GET", "ü"]) == RedisCommand([ByteBuffer(string: "GET"), ByteBuffer(string: "ü")]))
        #expect(RedisCommand(["GET", "a"]) != RedisCommand(["GET", "b"]))
        var command = RedisCommand(["GET", "a"])
        command.arguments[1] = ByteBuffer(string: "b")
        #expect(command == RedisCommand(["GET", "b"]))
    }

    @Test("the command name is upper-cased and arguments are left out")
    func name() {
        #expect(RedisCommand(["auth", "alice", "secret"]).name == "AUTH")
    }

    static func encode(_ command: RedisCommand) throws -> String? {
        try Self.encodedBytes(command).map { String(buffer: $0) }
    }

    static func encodedBytes(_ command: RedisCommand) throws -> ByteBuffer? {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(RESPEncoder()))
        try channel.writeOutbound(command)
        let bytes = try channel.readOutbound(as: ByteBuffer.self)
        _ = try channel.finish()
        return bytes
    }
}
