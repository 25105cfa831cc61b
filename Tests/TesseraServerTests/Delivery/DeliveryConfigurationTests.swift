import AsyncHTTPClient
import Configuration
import Foundation
import Logging
import ServiceLifecycle
import TesseraServer
import Testing

@Suite struct DeliveryConfigurationTests {
    private func configuration(_ values: [String: String]) throws -> TesseraConfiguration {
        var settings: [String: ConfigValue] = ["public-url": .text("https://login.example.com")]
        for (key, value) in values { settings[key] = .text(value) }
        let provider = InMemoryProvider(values: Dictionary(uniqueKeysWithValues: settings.map { (AbsoluteConfigKey([$0.key]), $0.value) }))
        return try TesseraConfiguration(reader: ConfigReader(provider: provider))
    }

    private func transports(_ values: [String: String]) throws -> DeliveryTransports {
        try DeliveryTransports.make(configuration: try configuration(values).delivery, clientName: "login.example.com", logger: Logger(label: "test"))
    }

    @Test func noTransportsByDefaultAndAMailFromOfThePublicHost() throws {
        let delivery = try configuration([:]).delivery
        #expect(delivery.mailFrom.headerValue == "Tessera <no-reply@login.example.com>")
        let transports = try transports([:])
        #expect(transports.email == nil && transports.sms == nil && transports.lifecycle.isEmpty)
    }

    /// A readable file that holds no certificate.
    private static let notPEM: String = {
        let path = NSTemporaryDirectory() + "tessera-not-a-ca-\(UUID().uuidString).pem"
        FileManager.default.createFile(atPath: path, contents: Data("not a certificate\n".utf8))
        return path
    }()

    @Test func smtpURLsAreRead() throws {
        let plain = try #require(try configuration(["smtp-url": "smtp://mail.example.com"]).delivery.smtp)
        #expect(plain.port == 587 && plain.security == .opportunisticStartTLS && plain.credentials == nil)
        let submission = try #require(try configuration([
            "smtp-url": "smtp://mailer%40example.com:p%3Ass@mail.example.com:2525?starttls=required&timeout=5s&ca-file=\(Self.notPEM)",
        ]).delivery.smtp)
        #expect(submission.credentials == SMTPSettings.Credentials(username: "mailer@example.com", password: "p:ss"))
        #expect(submission.port == 2525 && submission.security == .requiredStartTLS && submission.timeout == .seconds(5))
        #expect(submission.caFile == Self.notPEM)
        #expect(!submission.redactedDescription.contains("p:ss") && !"\(submission)".contains("p:ss"))
        let implicit = try #require(try configuration(["smtp-url": "smtps://mail.example.com"]).delivery.smtp)
        #expect(implicit.port == 465 && implicit.security == .implicitTLS)
        #expect(try configuration(["smtp-url": "smtp://u:p@127.0.0.1:25?allow-insecure-auth=true"]).delivery.smtp?.allowsInsecureAuth == true)
    }

    @Test(arguments: [
        ["smtp-url": "http://mail.example.com"], ["smtp-url": "smtp://"], ["smtp-url": "smtp://mail.example.com?starttls=maybe"],
        ["smtp-url": "smtps://mail.example.com?starttls=required"], ["smtp-url": "smtp://mail.example.com?verify=false"],
        ["smtp-url": "smtp://u:p@mail.example.com?allow-insecure-auth=true"], ["smtp-url": "smtp://mail.example.com:70000"],
        ["mail-from": "Tessera <no-reply@example.com>\r\nBcc: eve@example.com"], ["mail-from": "not an address"],
        ["sms-webhook-url": "ftp://sms.example.com"], ["sms-webhook-secret": "0123456789abcdef"],
        ["sms-webhook-url": "https://sms.example.com/send", "sms-webhook-secret": "short"],
    ])
    func badSettingsAreRefusedAtStart(_ values: [String: String]) {
        #expect(throws: ConfigurationError.self) { try configuration(values) }
    }

    @Test func anUnusableCAFileIsRefusedAtStart() {
        #expect(throws: ConfigurationError.self) { try configuration(["smtp-url": "smtps://mail.example.com?ca-file=/nonexistent/ca.pem"]) }
        // Readable, but not PEM certificates: the TLS context refuses it when the sender is made.
        #expect(throws: ConfigurationError.self) { try transports(["smtp-url": "smtps://mail.example.com?ca-file=\(Self.notPEM)"]) }
    }

    @Test func eachURLPicksItsTransport() async throws {
        let transports = try transports([
            "smtp-url": "smtps://mail.example.com", "sms-webhook-url": "https://sms.example.com/send",
            "sms-webhook-secret": "0123456789abcdef-secret",
        ])
        #expect(transports.email is SMTPSender)
        let sms = try #require(transports.sms as? SMSWebhookSender)
        #expect(sms.settings.secret == Array("0123456789abcdef-secret".utf8))
        #expect(sms.settings.url.absoluteString == "https://sms.example.com/send")
        let service = try #require(transports.lifecycle.first as? HTTPClientService)
        try await service.client.shutdown()
    }

    @Test func theWebhookClientStopsWithTheApp() async throws {
        let service = HTTPClientService(client: HTTPClient(eventLoopGroupProvider: .singleton))
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        // A client shut down once refuses a second shutdown.
        await #expect(throws: HTTPClientError.alreadyShutdown) { try await service.client.shutdown() }
    }
}
