/// A message for a person, by e-mail or by text: what the code, verification and notice
/// flows hand to delivery.
///
/// Bodies carry secrets (codes, links): a sender must never log them. Log the channel, a
/// hash prefix of the destination and the outcome.
public struct OutgoingMessage: Sendable, Equatable {
    public enum Channel: String, Sendable, Equatable {
        case email
        case sms
    }

    /// Why the message is sent; the dev outbox shows it, senders may tag with it.
    public enum Kind: String, Sendable, Equatable {
        case loginCode = "login-code"
        case verification
        case resetCode = "reset-code"
        /// Tells the owner of an address that someone tried to register with it.
        case addressInUse = "address-in-use"
        /// Answers a code asked for an address or number no account uses, so that asking
        /// costs the same and tells the asker nothing; only the owner of the address reads it.
        case noAccount = "no-account"
    }

    public var channel: Channel
    /// A normalized e-mail address or an E.164 phone number.
    public var to: String
    public var kind: Kind
    /// E-mail subject; SMS ignores it.
    public var subject: String
    /// Plain-text body.
    public var text: String

    public init(channel: Channel, to: String, kind: Kind, subject: String, text: String) {
        self.channel = channel
        self.to = to
        self.kind = kind
        self.subject = subject
        self.text = text
    }
}

/// Hands messages to a transport: SMTP, an SMS webhook, or the dev outbox.
public protocol MessageSender: Sendable {
    /// Returns once the transport accepted the message; throws ``DeliveryError`` otherwise.
    func send(_ message: OutgoingMessage) async throws
}

/// A transport refused or could not be reached. The API answers 503 `DELIVERY_FAILED`.
public struct DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
