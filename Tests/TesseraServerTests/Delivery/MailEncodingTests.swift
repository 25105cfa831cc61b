import Foundation
import TesseraCore
import TesseraServer
import Testing

@Suite struct MailEncodingTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func dotStuffingDoublesLeadingDotsAndEndsTheData() {
        let data = DotStuffing.dataSection(Array(".starts\r\nmiddle . dot\r\n.\r\n..two\r\n".utf8))
        #expect(text(data) == "..starts\r\nmiddle . dot\r\n..\r\n...two\r\n.\r\n")
    }

    @Test func bareLineBreaksBecomeCRLF() {
        let data = DotStuffing.dataSection(Array("a\nb\rc\r\n.d\n".utf8))
        #expect(text(data) == "a\r\nb\r\nc\r\n..d\r\n.\r\n")
    }

    @Test func aMessageWithoutFinalLineBreakGetsOne() {
        #expect(text(DotStuffing.dataSection(Array("last".utf8))) == "last\r\n.\r\n")
    }

    @Test func quotedPrintableKeepsASCIIAndEncodesTheRest() {
        #expect(QuotedPrintable.encode("Grüße = 1\n.dot\n") == "Gr=C3=BC=C3=9Fe =3D 1\r\n.dot\r\n")
    }

    @Test func quotedPrintableEncodesTrailingSpaceAndBreaksLongLines() {
        #expect(QuotedPrintable.encode("end \nx") == "end=20\r\nx")
        let encoded = QuotedPrintable.encode(String(repeating: "é", count: 40))
        for line in encoded.components(separatedBy: "\r\n") { #expect(line.count <= 76) }
        #expect(encoded.replacingOccurrences(of: "=\r\n", with: "") == String(repeating: "=C3=A9", count: 40))
    }

    @Test func plainSubjectsStayPlain() {
        #expect(EncodedWord.text("Your login code") == "Your login code")
    }

    @Test func nonASCIISubjectsBecomeEncodedWordsOfWholeCharacters() throws {
        let subject = "Ihr Anmeldecode für Tessera – bitte nicht weitergeben 🔐 " + String(repeating: "ü", count: 30)
        let encoded = EncodedWord.text(subject)
        var decoded = ""
        for word in encoded.components(separatedBy: "\r\n ") {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let payload = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            decoded += try #require(String(data: payload, encoding: .utf8), "each word is valid UTF-8 alone")
        }
        #expect(decoded == subject)
    }

    @Test func displayNamesAreQuotedOrEncoded() throws {
        #expect(try MailAddress(parsing: "Tessera <no-reply@example.com>").headerValue == "Tessera <no-reply@example.com>")
        #expect(try MailAddress(parsing: "Tessera, Inc. <a@example.com>").headerValue == "\"Tessera, Inc.\" <a@example.com>")
        #expect(try MailAddress(parsing: "Jürgen <a@example.com>").headerValue == "=?UTF-8?B?SsO8cmdlbg==?= <a@example.com>")
        #expect(try MailAddress(parsing: "ada@example.com").headerValue == "ada@example.com")
    }

    @Test(arguments: [
        "ada@example.com\r\nBcc: eve@example.com", "ada@example.com\nX: y", "ada@example.com\r", "Ada\r\n <ada@example.com>",
        "ada@example.com>\r\nRCPT TO:<eve@example.com", "<ada@example.com> SIZE=1", "ada example@example.com", "ädä@example.com",
        "no-at-sign", "@example.com", "ada@", "ada@example.com\u{0}",
    ])
    func addressesThatCouldInjectAreRefused(_ text: String) {
        #expect(throws: DeliveryError.self) { try MailAddress(parsing: text) }
    }

    @Test(arguments: ["Code\r\nBcc: eve@example.com", "Code\nX-Injected: 1", "Code\rX", "Code\u{85}X", "Code\u{2028}X"])
    func subjectsWithLineBreaksAreRefused(_ subject: String) throws {
        let composer = MailComposer(from: try MailAddress(parsing: "Tessera <no-reply@example.com>"))
        let message = OutgoingMessage(channel: .email, to: "ada@example.com", kind: .loginCode, subject: subject, text: "123456")
        #expect(throws: DeliveryError.self) { try composer.compose(message, to: try MailAddress(parsing: message.to), date: Date()) }
    }

    @Test func composedHeaders() throws {
        let composer = MailComposer(from: try MailAddress(parsing: "Tessera <no-reply@login.example.com>"))
        let message = OutgoingMessage(channel: .email, to: "ada@example.com", kind: .verification, subject: "Hi", text: "x")
        let composed = String(decoding: try composer.compose(message, to: try MailAddress(parsing: message.to), date: Date(timeIntervalSince1970: 0)), as: UTF8.self)
        let headers = composed.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(headers.contains("From: Tessera <no-reply@login.example.com>"))
        #expect(headers.contains("To: ada@example.com"))
        #expect(headers.contains("Subject: Hi"))
        #expect(headers.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(headers.contains("MIME-Version: 1.0"))
        #expect(headers.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(headers.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(headers.contains { $0.hasPrefix("Message-ID: <") && $0.hasSuffix("@login.example.com>") })
    }
}
