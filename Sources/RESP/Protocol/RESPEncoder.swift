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
        // Decimal lengths and framing add at most 16 bytes per argument; reserving once avoids
        // regrowing the buffer for commands with many or large arguments.
        out.reserveCapacity(
            minimumWritableBytes: 16 + command.arguments.reduce(0) { $0 + $1.readableBytes + 16 }
        )
        out.writeStaticString("*")
        out.writeString(String(command.arguments.count))
        out.writeStaticString("\r\n")
        for argument in command.arguments {
            out.writeStaticString("$")
            out.writeString(String(argument.readableBytes))
            out.writeStaticString("\r\n")
            out.writeImmutableBuffer(argument)
            out.writeStaticString("\r\n")
        }
    }
}
