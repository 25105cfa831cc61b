import NIOCore
import NIOEmbedded
import Testing

@testable import RESP

@Suite("RESP decoder")
struct RESPDecoderTests {
    static let frames: [(String, RESPValue)] = [
        ("+OK\r\n", .simpleString("OK")),
        ("-ERR unknown command\r\n", .simpleError("ERR unknown command")),
        (":-42\r\n", .integer(-42)),
        (":9223372036854775807\r\n", .integer(.max)),
        ("$5\r\nhello\r\n", .bulkString(ByteBuffer(string: "hello"))),
        ("$4\r\n\r\n\r\n\r\n", .bulkString(ByteBuffer(string: "\r\n\r\n"))),
        ("$0\r\n\r\n", .bulkString(ByteBuffer())),
        ("$-1\r\n", .null),
        ("*-1\r\n", .null),
        ("_\r\n", .null),
        (",3.25\r\n", .double(3.25)),
        (",-1.5e3\r\n", .double(-1500)),
        (",inf\r\n", .double(.infinity)),
        (",-inf\r\n", .double(-.infinity)),
        ("#t\r\n", .boolean(true)),
        ("#f\r\n", .boolean(false)),
        ("(-3492890328409238509324850943850943825024385\r\n", .bigNumber("-3492890328409238509324850943850943825024385")),
        ("!21\r\nSYNTAX invalid syntax\r\n", .bulkError("SYNTAX invalid syntax")),
        ("=15\r\ntxt:Some string\r\n", .verbatimString(format: "txt", text: ByteBuffer(string: "Some string"))),
        ("*0\r\n", .array([])),
        ("*3\r\n$3\r\nfoo\r\n:1\r\n_\r\n", .array([.bulkString(ByteBuffer(string: "foo")), .integer(1), .null])),
        ("%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n#t\r\n", .map([
            (key: .simpleString("first"), value: .integer(1)),
            (key: .bulkString(ByteBuffer(string: "second")), value: .boolean(true)),
        ])),
        ("%0\r\n", .map([])),
        ("~2\r\n+a\r\n:2\r\n", .set([.simpleString("a"), .integer(2)])),
        (">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n", .push([
            .bulkString(ByteBuffer(string: "message")), .bulkString(ByteBuffer(string: "news")), .bulkString(ByteBuffer(string: "hi")),
        ])),
        ("*2\r\n*1\r\n%1\r\n+k\r\n~0\r\n*-1\r\n", .array([.array([.map([(key: .simpleString("k"), value: .set([]))])]), .null])),
        // An attribute describes the value after it and is dropped, at the top level and nested.
        ("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.19\r\n$1\r\nb\r\n,0.01\r\n*2\r\n:2039123\r\n:9543892\r\n",
            .array([.integer(2_039_123), .integer(9_543_892)])),
        ("*2\r\n|1\r\n+ttl\r\n:3\r\n:1\r\n|0\r\n:2\r\n", .array([.integer(1), .integer(2)])),
    ]

    @Test("every type decodes when fed one byte at a time, and not before its last byte", arguments: Self.frames)
    func byteByByte(frame: String, expected: RESPValue) throws {
        let bytes = Array(frame.utf8)
        #expect(try Self.decodeByteByByte(bytes.dropLast()) == [])
        #expect(try Self.decodeByteByByte(bytes) == [expected])
    }

    @Test("several replies in one read decode in order")
    func severalInOneRead() throws {
        var decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "+A\r\n:1\r\n*1\r\n$1\r\nx\r\n$3\r\nab")
        #expect(try decoder.decode(&buffer) == .simpleString("A"))
        #expect(try decoder.decode(&buffer) == .integer(1))
        #expect(try decoder.decode(&buffer) == .array([.bulkString(ByteBuffer(string: "x"))]))
        #expect(try decoder.decode(&buffer) == nil)
        buffer.writeString("c\r\n")
        #expect(try decoder.decode(&buffer) == .bulkString(ByteBuffer(string: "abc")))
        #expect(buffer.readableBytes == 0)
    }

    @Test("nan decodes as a double")
    func notANumber() throws {
        let values = try Self.decodeByteByByte(Array(",nan\r\n".utf8))
        guard case .double(let value)? = values.first else {
            Issue.record("expected a double, got \(values)")
            return
        }
        #expect(value.isNaN)
    }

    @Test("the NIO handler decodes frames split across reads")
    func throughChannelHandler() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RESPDecoder()))
        for byte in "*2\r\n$3\r\nGET\r\n:7\r\n+PONG\r\n".utf8 {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(try channel.readInbound(as: RESPValue.self) == .array([.bulkString(ByteBuffer(string: "GET")), .integer(7)]))
        #expect(try channel.readInbound(as: RESPValue.self) == .simpleString("PONG"))
        #expect(try channel.readInbound(as: RESPValue.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test(
        "malformed input is a protocol error",
        arguments: [
            "?\r\n", ":12a\r\n", ":\r\n", ":99999999999999999999\r\n", "#x\r\n", ",abc\r\n", ",\r\n", "_x\r\n",
            "(12a\r\n", "(\r\n", "$-2\r\n", "$abc\r\n", "$3\r\nfooXX", "*-2\r\n", "%-1\r\n", "*x\r\n",
            "+OK\n", "=3\r\ntxt\r\n", "=5\r\ntxt-x\r\n", "!-1\r\n", "*1\r\n\r\n",
        ]
    )
    func malformed(frame: String) {
        Self.expectProtocolError { try Self.decodeByteByByte(Array(frame.utf8)) }
    }

    @Test("a bulk string over the limit fails on its header, before the body is buffered")
    func bulkLimit() throws {
        let limits = RESPDecodingLimits(maximumBulkLength: 10)
        #expect(try Self.decodeByteByByte(Array("$10\r\n0123456789\r\n".utf8), limits: limits).count == 1)
        Self.expectProtocolError { try Self.decodeByteByByte(Array("$11\r\n".utf8), limits: limits) }
        Self.expectProtocolError { try Self.decodeByteByByte(Array("=11\r\n".utf8), limits: limits) }
        Self.expectProtocolError { try Self.decodeByteByByte(Array("$536870913\r\n".utf8)) }
    }

    @Test("nesting deeper than the limit fails")
    func depthLimit() throws {
        let nested = { (depth: Int) in Array((String(repeating: "*1\r\n", count: depth) + ":1\r\n").utf8) }
        #expect(try Self.decodeByteByByte(nested(64)).count == 1)
        Self.expectProtocolError { try Self.decodeByteByByte(nested(65)) }
        let limits = RESPDecodingLimits(maximumDepth: 2)
        #expect(try Self.decodeByteByByte(Array("*1\r\n%1\r\n:1\r\n:2\r\n".utf8), limits: limits).count == 1)
        Self.expectProtocolError { try Self.decodeByteByByte(Array("*1\r\n|1\r\n*1\r\n".utf8), limits: limits) }
    }

    @Test("a line longer than the limit fails even without its CRLF")
    func lineLimit() throws {
        let limits = RESPDecodingLimits(maximumLineLength: 8)
        #expect(try Self.decodeByteByByte(Array("+12345678\r\n".utf8), limits: limits) == [.simpleString("12345678")])
        Self.expectProtocolError { try Self.decodeByteByByte(Array("+123456789\r\n".utf8), limits: limits) }
        Self.expectProtocolError { try Self.decodeByteByByte(Array(("+" + String(repeating: "a", count: 100)).utf8), limits: limits) }
    }

    @Test("a reply fits an existential's inline buffer, so handing it down the pipeline does not allocate")
    func replySize() {
        #expect(MemoryLayout<RESPValue>.size <= 3 * MemoryLayout<Int>.size)
    }

    static func decodeByteByByte(_ bytes: some Sequence<UInt8>, limits: RESPDecodingLimits = .init()) throws -> [RESPValue] {
        var decoder = RESPDecoder(limits: limits)
        var buffer = ByteBuffer()
        var values: [RESPValue] = []
        for byte in bytes {
            buffer.writeInteger(byte)
            while let value = try decoder.decode(&buffer) {
                values.append(value)
            }
        }
        return values
    }

    static func expectProtocolError(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> [RESPValue]
    ) {
        #expect(sourceLocation: sourceLocation) {
            _ = try body()
        } throws: { error in
            guard case .protocolError = error as? RedisClientError else { return false }
            return true
        }
    }
}
