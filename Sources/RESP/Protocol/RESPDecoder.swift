import NIOCore

/// Turns the bytes a Redis server sends into ``RESPValue``s, one per complete top-level reply.
///
/// Frames may be split at any byte. Aggregate headers are consumed as soon as they are complete and
/// the partly built aggregate is kept between reads, so a large reply arriving in many reads is
/// parsed once, in linear time; a bulk string is taken when its whole body has arrived, as a slice
/// of the receive buffer. Input that breaks the protocol or ``RESPDecodingLimits`` throws
/// ``RedisClientError/protocolError(_:)``; the stream cannot be resynchronised after that.
///
/// ```swift
/// try channel.pipeline.syncOperations.addHandlers(
///     ByteToMessageHandler(RESPDecoder()),
///     MessageToByteHandler(RESPEncoder())
/// )
/// ```
public struct RESPDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RESPValue

    private let limits: RESPDecodingLimits
    /// Aggregates still being filled, outermost first.
    private var open: [RESPAggregateFrame] = []

    public init(limits: RESPDecodingLimits = RESPDecodingLimits()) {
        self.limits = limits
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try self.decode(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(value))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }

    /// Consumes bytes from `buffer` and returns the next complete top-level value, or `nil` when
    /// more bytes are needed.
    public mutating func decode(_ buffer: inout ByteBuffer) throws(RedisClientError) -> RESPValue? {
        while let type = buffer.readableBytesView.first {
            var finished: RESPValue?
            if let kind = RESPAggregateFrame.Kind(type: type) {
                guard let header = try self.readLine(from: &buffer) else { return nil }
                if kind == .array, Self.integer(header) == -1 {
                    finished = .null
                } else {
                    let frame = try self.frame(kind, header: header)
                    if frame.isComplete {
                        finished = frame.value
                    } else {
                        self.open.append(frame)
                        continue
                    }
                }
            } else {
                guard let value = try self.readScalar(type, from: &buffer) else { return nil }
                finished = value
            }
            while let value = finished {
                guard !self.open.isEmpty else { return value }
                self.open[self.open.count - 1].append(value)
                finished = self.open[self.open.count - 1].isComplete ? self.open.removeLast().value : nil
            }
        }
        return nil
    }

    private func frame(
        _ kind: RESPAggregateFrame.Kind,
        header: ByteBuffer
    ) throws(RedisClientError) -> RESPAggregateFrame {
        guard self.open.count < self.limits.maximumDepth else {
            throw .protocolError("aggregates nested deeper than \(self.limits.maximumDepth)")
        }
        guard let count = Self.integer(header), count >= 0, count <= Int.max / 2 else {
            throw .protocolError("invalid aggregate length")
        }
        return RESPAggregateFrame(kind: kind, count: kind == .map || kind == .attribute ? count * 2 : count)
    }

    private func readScalar(_ type: UInt8, from buffer: inout ByteBuffer) throws(RedisClientError) -> RESPValue? {
        switch type {
        case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
            return try self.readBlob(type, from: &buffer)
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "_"),
            UInt8(ascii: ","), UInt8(ascii: "#"), UInt8(ascii: "("):
            guard let line = try self.readLine(from: &buffer) else { return nil }
            return try Self.scalar(type, line)
        default:
            throw .protocolError("unknown type byte 0x\(String(type, radix: 16))")
        }
    }

    private static func scalar(_ type: UInt8, _ line: ByteBuffer) throws(RedisClientError) -> RESPValue {
        let text = { String(buffer: line) }
        switch type {
        case UInt8(ascii: "+"):
            return .simpleString(text())
        case UInt8(ascii: "-"):
            return .simpleError(text())
        case UInt8(ascii: ":"):
            guard let value = Self.integer(line) else { throw .protocolError("invalid integer") }
            return .integer(value)
        case UInt8(ascii: "_"):
            guard line.readableBytes == 0 else { throw .protocolError("null with content") }
            return .null
        case UInt8(ascii: ","):
            guard line.readableBytes > 0, let value = Double(text()) else { throw .protocolError("invalid double") }
            return .double(value)
        case UInt8(ascii: "#"):
            switch text() {
            case "t": return .boolean(true)
            case "f": return .boolean(false)
            default: throw .protocolError("invalid boolean")
            }
        default:
            guard Self.isBigNumber(line.readableBytesView) else { throw .protocolError("invalid big number") }
            return .bigNumber(text())
        }
    }

    /// Reads a bulk string, bulk error or verbatim string once its whole body is buffered.
    private func readBlob(_ type: UInt8, from buffer: inout ByteBuffer) throws(RedisClientError) -> RESPValue? {
        // The length is parsed in place: no slice of the header for the most common reply there is.
        guard let contentLength = try self.lineLength(in: buffer) else { return nil }
        let frameLength = contentLength + 3
        let length = buffer.withUnsafeReadableBytes { Self.integer(UnsafeRawBufferPointer(rebasing: $0[1..<(1 + contentLength)])) }
        if length == -1, type == UInt8(ascii: "$") {
            buffer.moveReaderIndex(forwardBy: frameLength)
            return .null
        }
        guard let length, length >= 0 else { throw .protocolError("invalid bulk length") }
        guard length <= self.limits.maximumBulkLength else {
            throw .protocolError("bulk of \(length) bytes exceeds the limit of \(self.limits.maximumBulkLength)")
        }
        guard buffer.readableBytes >= frameLength + length + 2 else { return nil }
        buffer.moveReaderIndex(forwardBy: frameLength)
        let body = buffer.readSlice(length: length)!
        guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw .protocolError("bulk not terminated by CRLF") }
        switch type {
        case UInt8(ascii: "$"):
            return .bulkString(body)
        case UInt8(ascii: "!"):
            return .bulkError(String(buffer: body))
        default:
            let separator = body.getInteger(at: body.readerIndex + 3, as: UInt8.self)
            guard length >= 4, separator == UInt8(ascii: ":") else {
                throw .protocolError("verbatim string without format")
            }
            return .verbatimString(
                format: body.getString(at: body.readerIndex, length: 3)!,
                text: body.getSlice(at: body.readerIndex + 4, length: length - 4)!
            )
        }
    }

    private func readLine(from buffer: inout ByteBuffer) throws(RedisClientError) -> ByteBuffer? {
        guard let line = try self.peekLine(in: buffer) else { return nil }
        buffer.moveReaderIndex(forwardBy: line.frameLength)
        return line.content
    }

    /// Finds the line that follows the type byte; `frameLength` counts the type byte, content and CRLF.
    private func peekLine(in buffer: ByteBuffer) throws(RedisClientError) -> (content: ByteBuffer, frameLength: Int)? {
        guard let contentLength = try self.lineLength(in: buffer) else { return nil }
        return (buffer.getSlice(at: buffer.readerIndex + 1, length: contentLength)!, contentLength + 3)
    }

    /// The length of the line that follows the type byte, without its CRLF; `nil` until its LF arrives.
    private func lineLength(in buffer: ByteBuffer) throws(RedisClientError) -> Int? {
        let maximum = self.limits.maximumLineLength
        let newline = buffer.withUnsafeReadableBytes { bytes in
            bytes[..<min(bytes.count, maximum + 3)].firstIndex(of: UInt8(ascii: "\n")).map {
                (index: $0, afterCR: $0 >= 2 && bytes[$0 - 1] == UInt8(ascii: "\r"))
            }
        }
        guard let newline else {
            guard buffer.readableBytes < maximum + 3 else { throw .protocolError("line longer than \(maximum) bytes") }
            return nil
        }
        guard newline.afterCR else { throw .protocolError("line not terminated by CRLF") }
        return newline.index - 2
    }

    /// Parses a signed decimal without allocating; `nil` on anything else, including overflow.
    static func integer(_ bytes: ByteBuffer) -> Int? {
        bytes.withUnsafeReadableBytes { Self.integer($0) }
    }

    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let digit = Int(byte &- UInt8(ascii: "0"))
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowA, !overflowB else { return nil }
            value = next
        }
        return value
    }

    private static func isBigNumber(_ bytes: ByteBufferView) -> Bool {
        let digits = bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        return !digits.isEmpty && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
