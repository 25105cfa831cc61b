import NIOCore

/// Writes a ``RedisCommand`` as the array of bulk strings every Redis version accepts.
///
/// ```swift
/// let channel = EmbeddedChannel(handler: MessageToByteHandler(RESPEncoder()))
/// try channel.writeOutbound(RedisCommand(["PING"]))   // "*1\r\n$4\r\nPING\r\n"
/// ```
public struct RESPEncoder: MessageToByteEncoder {
    public typealias OutboundIn = RedisCommand

    public init() {}

    public func encode(data command: RedisCommand, out: inout ByteBuffer) {
        Self.append(command, to: &out)
    }

    /// Appends `command` to `out`, which may already hold other commands: the command handler
    /// gathers every command of an event-loop tick in one buffer this way.
    static func append(_ command: RedisCommand, to out: inout ByteBuffer) {
        Self.appendHeader(UInt8(ascii: "*"), command.count, to: &out)
        switch command.storage {
        case .strings(let arguments):
            for argument in arguments {
                Self.appendHeader(UInt8(ascii: "$"), argument.utf8.count, to: &out)
                out.writeString(argument)
                out.writeInteger(0x0D0A as UInt16)
            }
        case .buffers(let arguments):
            for argument in arguments {
                Self.appendHeader(UInt8(ascii: "$"), argument.readableBytes, to: &out)
                out.writeImmutableBuffer(argument)
                out.writeInteger(0x0D0A as UInt16)
            }
        }
    }

    /// Writes `*count\r\n` or `$length\r\n` in place: formatting the number through a `String`
    /// would allocate once per argument of every command.
    private static func appendHeader(_ marker: UInt8, _ count: Int, to out: inout ByteBuffer) {
        var digits = 1
        var rest = count / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: digits + 3) { bytes in
            bytes[0] = marker
            var value = count
            for position in stride(from: digits, to: 0, by: -1) {
                bytes[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                value /= 10
            }
            bytes[digits + 1] = UInt8(ascii: "\r")
            bytes[digits + 2] = UInt8(ascii: "\n")
            return digits + 3
        }
    }
}
