import Configuration
import Foundation

/// The delivery settings of a node, read by ``TesseraConfiguration`` with the rest. Keys:
/// - `smtp-url`: e-mail over SMTP, `smtp://[user:password@]host[:port][?starttls=required]`
///   or `smtps://…` (see ``SMTPSettings`` and docs/delivery.md); no e-mail transport when absent
/// - `mail-from` (default `Tessera <no-reply@HOST>`, HOST from `public-url`): the sender
/// - `sms-webhook-url`: text messages by JSON POST to this http(s) URL; none when absent
/// - `sms-webhook-secret`: signs each webhook request (HMAC-SHA256); unsigned when absent
///
/// ```swift
/// let delivery = try DeliveryConfiguration(reader: reader, publicURL: URL(string: "https://login.example.com")!)
/// delivery.mailFrom.headerValue  // "Tessera <no-reply@login.example.com>"
/// ```
public struct DeliveryConfiguration: Sendable {
    public var smtp: SMTPSettings?
    public var mailFrom: MailAddress
    public var smsWebhookURL: URL?
    public var smsWebhookSecret: [UInt8]?

    public init(reader: ConfigReader, publicURL: URL) throws {
        if let text = reader.string(forKey: "smtp-url", isSecret: true), !text.isEmpty {
            let settings = try SMTPSettings(url: text)
            if let caFile = settings.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw ConfigurationError("smtp-url: cannot read ca-file \(caFile)")
            }
            smtp = settings
        }
        let host = publicURL.host ?? "localhost"
        let from = reader.string(forKey: "mail-from", default: "Tessera <no-reply@\(host)>")
        do {
            mailFrom = try MailAddress(parsing: from)
        } catch {
            throw ConfigurationError("mail-from must be an address like 'Tessera <no-reply@example.com>', got '\(from)'")
        }
        if let text = reader.string(forKey: "sms-webhook-url", isSecret: true), !text.isEmpty {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ConfigurationError("sms-webhook-url must be an http or https URL")
            }
            smsWebhookURL = url
        }
        if let secret = reader.string(forKey: "sms-webhook-secret", isSecret: true), !secret.isEmpty {
            guard smsWebhookURL != nil else { throw ConfigurationError("sms-webhook-secret needs sms-webhook-url") }
            guard secret.utf8.count >= 16 else { throw ConfigurationError("sms-webhook-secret must be at least 16 bytes") }
            smsWebhookSecret = Array(secret.utf8)
        }
    }
}
