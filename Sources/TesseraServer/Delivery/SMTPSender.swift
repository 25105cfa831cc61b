import Foundation
import Logging
import NIOCore
import NIOSSL
import TesseraCore

/// Delivers e-mail over SMTP, written on SwiftNIO: EHLO (HELO when the server does not
/// know it), STARTTLS when offered or required, AUTH PLAIN or LOGIN, one MAIL FROM, one
/// RCPT TO, the message as quoted-printable UTF-8 with dot-stuffing, QUIT.
///
/// Each message gets its own connection, closed after QUIT: codes are few and short-lived,
/// and no idle connection to the relay needs watching. Not supported: pipelining, a pool of
/// connections, SMTPUTF8 (non-ASCII addresses), client certificates, CRAM-MD5 and OAuth.
///
/// Logs the recipient's hash prefix, the server's reply codes and the outcome — never the
/// body, subject, address or credentials.
/// ```swift
/// let sender = try SMTPSender(
///     settings: try SMTPSettings(url: "smtps://mailer:s3cret@mail.example.com"),
///     from: try MailAddress(parsing: "Tessera <no-reply@example.com>"), clientName: "login.example.com")
/// try await sender.send(OutgoingMessage(channel: .email, to: "ada@example.com", kind: .loginCode,
///                                       subject: "Your code", text: "123456"))
/// ```
public struct SMTPSender: MessageSender {
    public let settings: SMTPSettings
    public let from: MailAddress
    let clientName: String
    let tls: NIOSSLContext
    let logger: Logger

    public init(settings: SMTPSettings, from: MailAddress, clientName: String, logger: Logger = Logger(label: "tessera.smtp")) throws {
        self.settings = settings
        self.from = from
        self.clientName = clientName
        self.logger = logger
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            configuration.trustRoots = .file(caFile)
        }
        do {
            tls = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ConfigurationError("smtp-url: cannot use the TLS settings (\(settings.caFile ?? "system trust store")): \(error)")
        }
    }

    public func send(_ message: OutgoingMessage) async throws {
        guard message.channel == .email else { throw DeliveryError("SMTP delivers e-mail only") }
        let recipient = try MailAddress(parsing: message.to)
        let data = DotStuffing.dataSection(try MailComposer(from: from).compose(message, to: recipient, date: Date()))
        var logger = logger
        logger[metadataKey: "recipient"] = "\(IdentifierDigest.hex(recipient.address).prefix(12))"
        logger[metadataKey: "kind"] = "\(message.kind.rawValue)"

        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(
                host: settings.host, port: settings.port, implicitTLS: settings.security == .implicitTLS ? tls : nil,
                timeout: Self.timeAmount(settings.timeout))
        } catch {
            logger.warning("smtp connect failed", metadata: ["server": "\(settings.redactedDescription)", "error": "\(error)"])
            throw DeliveryError("could not connect to the SMTP server")
        }
        var machine = SMTPClientStateMachine(.init(
            security: settings.security, credentials: settings.credentials, allowsInsecureAuth: settings.allowsInsecureAuth,
            clientName: clientName, sender: from.address, recipient: recipient.address))
        let codes: [Int]
        do {
            codes = try await converse(&machine, on: connection, data: data, logger: logger)
            await connection.close()
        } catch {
            await connection.close()
            // The server took the message; only QUIT went wrong.
            if machine.isDelivered { return }
            logger.warning("smtp delivery failed", metadata: ["error": "\(error)"])
            throw Self.deliveryError(error)
        }
        logger.info("smtp delivered", metadata: ["codes": "\(codes)"])
    }

    /// Runs the transaction to its end; returns the server's reply codes, in order.
    private func converse(
        _ machine: inout SMTPClientStateMachine, on connection: SMTPConnection, data: [UInt8], logger: Logger
    ) async throws -> [Int] {
        var codes: [Int] = []
        while true {
            let reply = try await connection.nextReply()
            codes.append(reply.code)
            logger.debug("smtp reply", metadata: ["code": "\(reply.code)"])
            var action = machine.received(reply)
            if case .startTLS = action {
                try await connection.startTLS(context: tls, host: settings.host)
                action = machine.tlsEstablished()
            }
            switch action {
            case .send(let command):
                try await connection.write(Array((command.line + "\r\n").utf8))
            case .sendMessage:
                try await connection.write(data)
            case .close:
                return codes
            case .fail(let error):
                logger.warning("smtp refused", metadata: ["codes": "\(codes)", "reason": "\(error.description)"])
                try? await connection.write(Array("QUIT\r\n".utf8))
                throw error
            case .startTLS:
                throw DeliveryError("STARTTLS asked twice")
            }
        }
    }

    private static func deliveryError(_ error: any Error) -> DeliveryError {
        switch error {
        case let error as DeliveryError: error
        case is SMTPReplyHandler.ReplyTimeout: DeliveryError("the SMTP server did not answer in time")
        // A write into a connection the server closed fails with the channel's or the OS's error.
        case is SMTPReplyHandler.ConnectionClosed, is ChannelError, is IOError: DeliveryError("the SMTP server closed the connection")
        case is SMTPReplyDecoder.MalformedReply: DeliveryError("the SMTP server answered something that is not SMTP")
        case is SMTPConnection.UnexpectedInputBeforeTLS: DeliveryError("the SMTP server sent data before the TLS handshake")
        case is NIOSSLError: DeliveryError("TLS with the SMTP server failed")
        default: DeliveryError("the SMTP conversation failed")
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
