import AsyncHTTPClient
import Logging
import ServiceLifecycle
import TesseraCore

/// The transports the configuration names: SMTP for e-mail when `smtp-url` is set, the SMS
/// webhook for text messages when `sms-webhook-url` is set. A channel without one is nil,
/// for the caller to replace (by the dev outbox in dev mode, or by a sender that fails).
///
/// Run ``lifecycle`` with the app: it shuts down the webhook's HTTP client.
/// ```swift
/// let transports = try DeliveryTransports.make(configuration: configuration.delivery, clientName: "login.example.com", logger: logger)
/// let services = stores.lifecycle + transports.lifecycle
/// ```
public struct DeliveryTransports: Sendable {
    public let email: (any MessageSender)?
    public let sms: (any MessageSender)?
    public let lifecycle: [any Service]

    /// No transport: what operator commands use, which never send a message.
    public static let none = DeliveryTransports(email: nil, sms: nil, lifecycle: [])

    public static func make(configuration: DeliveryConfiguration, clientName: String, logger: Logger) throws -> DeliveryTransports {
        var email: (any MessageSender)?
        if let smtp = configuration.smtp {
            email = try SMTPSender(settings: smtp, from: configuration.mailFrom, clientName: clientName, logger: logger)
        }
        var sms: (any MessageSender)?
        var lifecycle: [any Service] = []
        if let url = configuration.smsWebhookURL {
            let client = SMSWebhookSender.makeHTTPClient()
            sms = SMSWebhookSender(settings: .init(url: url, secret: configuration.smsWebhookSecret), client: client, logger: logger)
            lifecycle.append(HTTPClientService(client: client))
        }
        return DeliveryTransports(email: email, sms: sms, lifecycle: lifecycle)
    }
}
