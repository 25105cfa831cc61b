import ArgumentParser
import Configuration

/// The options that say how mail and text messages leave the node.
struct DeliveryOptions: ParsableArguments {
    @Option(name: .customLong("smtp-url"), help: "SMTP server for e-mail: smtp://user:password@host:587 (STARTTLS when offered; ?starttls=required) or smtps://….")
    var smtpURL: String?

    @Option(name: .customLong("mail-from"), help: "Sender of e-mail (default 'Tessera <no-reply@HOST>', HOST from --public-url).")
    var mailFrom: String?

    @Option(name: .customLong("sms-webhook-url"), help: "URL that text messages are POSTed to as JSON.")
    var smsWebhookURL: String?

    @Option(name: .customLong("sms-webhook-secret"), help: "Signs each webhook request with HMAC-SHA256 (X-Tessera-Signature).")
    var smsWebhookSecret: String?

    var values: [String: ConfigValue] {
        var values: [String: ConfigValue] = [:]
        values["smtp-url"] = smtpURL.map { .init(.string($0), isSecret: true) }
        values["mail-from"] = mailFrom.map { .init(.string($0), isSecret: false) }
        values["sms-webhook-url"] = smsWebhookURL.map { .init(.string($0), isSecret: true) }
        values["sms-webhook-secret"] = smsWebhookSecret.map { .init(.string($0), isSecret: true) }
        return values
    }
}
