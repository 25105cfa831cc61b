import Foundation
import Logging
import NIOPosix
import TesseraCore
import TesseraServer
import Testing

/// SMTPSender against the real SMTP server that scripts/test starts (aiosmtpd): plain,
/// STARTTLS with AUTH PLAIN, and implicit TLS with AUTH LOGIN.
@Suite(.enabled(if: SMTPTestServer.enabled, "TESSERA_TEST_SMTP_URL not set: run scripts/test to start the SMTP server"))
struct SMTPSenderTests {
    private func sender(_ url: String) throws -> SMTPSender {
        var logger = Logger(label: "tessera-test")
        logger.logLevel = .critical
        return try SMTPSender(
            settings: try SMTPSettings(url: url), from: try MailAddress(parsing: "Tessera Prüfung <no-reply@tessera.test>"),
            clientName: "tessera.test", logger: logger)
    }

    private func message(to recipient: String, subject: String = "Your code", text: String = "Your code is 123456.") -> OutgoingMessage {
        OutgoingMessage(channel: .email, to: recipient, kind: .loginCode, subject: subject, text: text)
    }

    /// The URL with another password in its user-info.
    private func withPassword(_ url: String, _ password: String) throws -> String {
        var components = try #require(URLComponents(string: url))
        components.password = password
        return try #require(components.string)
    }

    @Test func utf8SubjectAndDottedLinesArriveByteForByte() async throws {
        let recipient = SMTPTestServer.uniqueRecipient()
        let subject = "Ihr Anmeldecode für Tessera — 🔐 " + String(repeating: "Grüße ", count: 12)
        let text = ".\n.a line that starts with a dot\n..two dots\nline with trailing space \nnon-ASCII: 日本語 ✓ café\n"
            + String(repeating: "long é ", count: 30) + "\r\n=3D is not an escape here\n.\nlast line"
        try await sender(try SMTPTestServer.plainURL()).send(message(to: recipient, subject: subject, text: text))

        let mail = try #require(try SMTPTestServer.message(to: recipient))
        #expect(mail.subject == subject)
        let expected = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        #expect(mail.text == expected)
        #expect(mail.envelopeFrom == "no-reply@tessera.test")
        #expect(mail.headers["to"] == recipient)
        #expect(mail.headers["from"] == "=?UTF-8?B?VGVzc2VyYSBQcsO8ZnVuZw==?= <no-reply@tessera.test>")
        #expect(mail.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(mail.headers["mime-version"] == "1.0")
        #expect(mail.headers["date"] != nil && mail.headers["message-id"] != nil)
        // Every line on the wire fits SMTP's limit and nothing but CRLF breaks a line.
        let lines = String(decoding: mail.raw, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 && !$0.contains("\n") && !$0.contains("\r") })
    }

    /// The server refuses AUTH and mail before STARTTLS, so arrival proves the upgrade, in
    /// both modes.
    @Test(arguments: ["required", "opportunistic"])
    func startTLSWithAuthPlain(mode: String) async throws {
        let url = try SMTPTestServer.startTLSURL().replacingOccurrences(of: "starttls=required", with: "starttls=\(mode)")
        let recipient = SMTPTestServer.uniqueRecipient()
        try await sender(url).send(message(to: recipient))
        let mail = try #require(try SMTPTestServer.message(to: recipient))
        #expect(mail.login == "tessera")
        #expect(mail.text == "Your code is 123456.\r\n")
    }

    @Test func implicitTLSWithAuthLogin() async throws {
        let recipient = SMTPTestServer.uniqueRecipient()
        try await sender(try SMTPTestServer.implicitTLSURL()).send(message(to: recipient))
        let mail = try #require(try SMTPTestServer.message(to: recipient))
        #expect(mail.login == "tessera")
    }

    @Test(arguments: [false, true])
    func aWrongPasswordIsADeliveryError(implicitTLS: Bool) async throws {
        let url = implicitTLS ? try SMTPTestServer.implicitTLSURL() : try SMTPTestServer.startTLSURL()
        let recipient = SMTPTestServer.uniqueRecipient()
        let sender = try sender(try withPassword(url, "not-the-password"))
        await #expect(throws: DeliveryError.self) { try await sender.send(message(to: recipient)) }
        #expect(try SMTPTestServer.message(to: recipient) == nil)
    }

    @Test func anUntrustedCertificateIsADeliveryError() async throws {
        let url = try SMTPTestServer.startTLSURL()
        var components = try #require(URLComponents(string: url))
        components.queryItems = components.queryItems?.filter { $0.name != "ca-file" }
        let recipient = SMTPTestServer.uniqueRecipient()
        let sender = try sender(try #require(components.string))
        await #expect(throws: DeliveryError.self) { try await sender.send(message(to: recipient)) }
        #expect(try SMTPTestServer.message(to: recipient) == nil)
    }

    @Test func credentialsAreNotSentToAServerWithoutTLS() async throws {
        var components = try #require(URLComponents(string: try SMTPTestServer.plainURL()))
        components.user = "tessera"
        components.password = "secret"
        let recipient = SMTPTestServer.uniqueRecipient()
        let sender = try sender(try #require(components.string))
        await #expect(throws: DeliveryError.self) { try await sender.send(message(to: recipient)) }
        #expect(try SMTPTestServer.message(to: recipient) == nil)
    }

    @Test func aClosedPortIsADeliveryError() async throws {
        let socket = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(socket.localAddress?.port)
        try await socket.close()
        let sender = try sender("smtp://127.0.0.1:\(port)?timeout=5s")
        await #expect(throws: DeliveryError.self) { try await sender.send(message(to: "ada@example.com")) }
    }

    @Test(arguments: [
        ("ada@example.com\r\nBcc: eve@example.com", "Your code"),
        ("ada@example.com>\r\nRCPT TO:<eve@example.com", "Your code"),
        ("eve@example.com", "Your code\r\nBcc: mallory@example.com"),
    ])
    func headerInjectionIsRefused(to: String, subject: String) async throws {
        let sender = try sender(try SMTPTestServer.plainURL())
        await #expect(throws: DeliveryError.self) { try await sender.send(message(to: to, subject: subject)) }
        #expect(try SMTPTestServer.message(to: "eve@example.com") == nil)
        #expect(try SMTPTestServer.message(to: "mallory@example.com") == nil)
    }
}
