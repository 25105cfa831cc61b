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
        switch command.storage {
        case .strings(let arguments):
            Self.append(arguments, to: &out)
        case .buffers(let arguments):
            Self.appendHeader(UInt8(ascii: "*"), arguments.count, to: &out)
            for argument in arguments {
                Self.appendHeader(UInt8(ascii: "$"), argument.readableBytes, to: &out)
                out.writeImmutableBuffer(argument)
                out.writeInteger(0x0D0A as UInt16)
            }
        }
    }

    /// Writes a command given as strings in one pass over the buffer's memory: one capacity and
    /// uniqueness check per command rather than several per argument.
    private static func append(_ arguments: [String], to out: inout ByteBuffer) {
        var size = Self.headerSize(arguments.count)
        for argument in arguments {
            let count = argument.utf8.count
            size += Self.headerSize(count) + count + 2
        }
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { bytes in
            var end = Self.putHeader(UInt8(ascii: "*"), arguments.count, into: bytes, at: 0)
            for var argument in arguments {
                end = argument.withUTF8 { utf8 in
                    var end = Self.putHeader(UInt8(ascii: "$"), utf8.count, into: bytes, at: end)
                    UnsafeMutableRawBufferPointer(rebasing: bytes[end..<(end + utf8.count)]).copyMemory(from: UnsafeRawBufferPointer(utf8))
                    end += utf8.count
                    bytes[end] = UInt8(ascii: "\r")
                    bytes[end + 1] = UInt8(ascii: "\n")
                    return end + 2
                }
            }
            return end
        }
    }

    private static func appendHeader(_ marker: UInt8, _ count: Int, to out: inout ByteBuffer) {
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.headerSize(count)) { bytes in
            Self.putHeader(marker, count, into: bytes, at: 0)
        }
    }

    /// The size of `*count\r\n` or `$length\r\n`.
    private static func headerSize(_ count: Int) -> Int {
        var digits = 1
        var rest = count / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits + 3
    }

    /// Writes `*count\r\n` or `$length\r\n` at `start` and returns where it ends: formatting the
    /// number through a `String` would allocate once per argument of every command.
    private static func putHeader(_ marker: UInt8, _ count: Int, into bytes: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
        let end = start + Self.headerSize(count)
        bytes[start] = marker
        var value = count
        for position in stride(from: end - 3, to: start, by: -1) {
            bytes[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            value /= 10
        }
        bytes[end - 2] = UInt8(ascii: "\r")
        bytes[end - 1] = UInt8(ascii: "\n")
        return end
    }
}
