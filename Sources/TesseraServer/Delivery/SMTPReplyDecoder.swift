import NIOCore

/// Frames SMTP replies from the server's bytes: lines ending in CRLF (a bare LF is taken
/// too), `250-` continuing a reply and `250 ` ending it.
///
/// It never assumes a whole reply arrived: a reply split anywhere, even inside the code or
/// between CR and LF, waits for its next bytes. A line longer than ``maximumLineLength`` or
/// a reply of more than ``maximumLines`` lines is an error, so a hostile server cannot make
/// the client buffer without end.
/// ```swift
/// var processor = NIOSingleStepByteToMessageProcessor(SMTPReplyDecoder())
/// try processor.process(buffer: bytes) { reply in print(reply.code) }
/// ```
public struct SMTPReplyDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = SMTPReply

    /// RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; servers sometimes exceed it.
    public static let maximumLineLength = 4096
    public static let maximumLines = 128

    /// A reply that is not SMTP.
    public struct MalformedReply: Error, Sendable, Equatable {
        public var reason: String
    }

    public init() {}

    /// Reads nothing until a whole reply is there, so that the bytes left in the buffer are
    /// exactly what the server sent beyond its last complete reply (STARTTLS checks it).
    public mutating func decode(buffer: inout ByteBuffer) throws -> SMTPReply? {
        let view = buffer.readableBytesView
        var start = view.startIndex
        var code: Int?
        var lines: [String] = []
        while let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) {
            guard newline - start <= Self.maximumLineLength else { throw MalformedReply(reason: "reply line too long") }
            var end = newline
            if end > start, view[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = Array(view[start..<end])
            start = newline + 1
            let (lineCode, isLast, text) = try Self.parse(line)
            if let code, code != lineCode { throw MalformedReply(reason: "multi-line reply changed its code") }
            code = lineCode
            lines.append(text)
            if isLast {
                buffer.moveReaderIndex(forwardBy: start - view.startIndex)
                return SMTPReply(code: lineCode, lines: lines)
            }
            guard lines.count < Self.maximumLines else { throw MalformedReply(reason: "reply with too many lines") }
        }
        guard view.endIndex - start <= Self.maximumLineLength else { throw MalformedReply(reason: "reply line too long") }
        return nil
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> SMTPReply? {
        try decode(buffer: &buffer)
    }

    /// `250-text` or `250 text` (or a bare `250`): the code, whether it ends the reply, the text.
    private static func parse(_ bytes: [UInt8]) throws -> (Int, Bool, String) {
        guard bytes.count >= 3, bytes.prefix(3).allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let code = Int(String(decoding: bytes.prefix(3), as: UTF8.self)), (200...599).contains(code)
        else { throw MalformedReply(reason: "reply line without a code") }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw MalformedReply(reason: "reply line with a bad separator")
        }
        return (code, separator == UInt8(ascii: " "), String(decoding: bytes.dropFirst(4), as: UTF8.self))
    }
}
