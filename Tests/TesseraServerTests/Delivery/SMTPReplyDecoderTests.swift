import NIOCore
import TesseraServer
import Testing

@Suite struct SMTPReplyDecoderTests {
    /// Feeds `chunks` one after the other, as separate reads, and collects every reply.
    private func decode(_ chunks: [String]) throws -> [SMTPReply] {
        let processor = NIOSingleStepByteToMessageProcessor(SMTPReplyDecoder())
        var replies: [SMTPReply] = []
        for chunk in chunks {
            try processor.process(buffer: ByteBuffer(string: chunk)) { replies.append($0) }
        }
        return replies
    }

    @Test func aSingleLineReply() throws {
        #expect(try decode(["220 mail.example.com ESMTP\r\n"]) == [SMTPReply(code: 220, lines: ["mail.example.com ESMTP"])])
    }

    @Test func aMultiLineReplyIsOneReply() throws {
        let replies = try decode(["250-mail.example.com\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n"])
        #expect(replies == [SMTPReply(code: 250, lines: ["mail.example.com", "STARTTLS", "AUTH PLAIN LOGIN", "SIZE 1000"])])
    }

    @Test func aReplySplitAnywhereWaitsForTheRest() throws {
        let whole = "250-mail.example.com\r\n250-STARTTLS\r\n250 OK\r\n354 go ahead\r\n"
        let expected = [SMTPReply(code: 250, lines: ["mail.example.com", "STARTTLS", "OK"]), SMTPReply(code: 354, lines: ["go ahead"])]
        for cut in 1..<whole.utf8.count {
            let bytes = Array(whole.utf8)
            let chunks = [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
            #expect(try decode(chunks) == expected, "cut at \(cut)")
        }
        #expect(try decode(whole.map { String($0) }) == expected)
    }

    @Test func nothingUntilTheLastLineOfAReply() throws {
        #expect(try decode(["250-first\r\n250-second\r\n"]).isEmpty)
    }

    @Test func twoRepliesInOneRead() throws {
        #expect(try decode(["250 OK\r\n221 bye\r\n"]).map(\.code) == [250, 221])
    }

    @Test func aBareLFAndACodeAloneAreAccepted() throws {
        #expect(try decode(["250-a\n250\n"]) == [SMTPReply(code: 250, lines: ["a", ""])])
    }

    @Test(arguments: ["hello\r\n", "25 short\r\n", "250*bad\r\n", "999 no such class\r\n", "250-a\r\n251 b\r\n"])
    func malformedRepliesAreErrors(_ text: String) {
        #expect(throws: SMTPReplyDecoder.MalformedReply.self) { try decode([text]) }
    }

    @Test func aLineWithoutEndCannotGrowForever() {
        #expect(throws: SMTPReplyDecoder.MalformedReply.self) {
            try decode(["250 " + String(repeating: "x", count: SMTPReplyDecoder.maximumLineLength + 1)])
        }
    }

    @Test func aReplyCannotHaveEndlessLines() {
        #expect(throws: SMTPReplyDecoder.MalformedReply.self) {
            try decode([String(repeating: "250-x\r\n", count: SMTPReplyDecoder.maximumLines + 1)])
        }
    }

    @Test func leftoverBytesStayUnread() throws {
        let processor = NIOSingleStepByteToMessageProcessor(SMTPReplyDecoder())
        var replies: [SMTPReply] = []
        try processor.process(buffer: ByteBuffer(string: "220 go ahead\r\n250-injected\r\n")) { replies.append($0) }
        #expect(replies.map(\.code) == [220])
        #expect(processor.unprocessedBytes == "250-injected\r\n".utf8.count)
    }
}
