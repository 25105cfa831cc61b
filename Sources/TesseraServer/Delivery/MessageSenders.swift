import TesseraCore

/// The sender of each channel, chosen once at start by ``choose(dev:clock:)``.
///
/// ```swift
/// let senders = MessageSenders.choose(dev: configuration.dev)
/// try await senders.sender(for: .email).send(message)
/// ```
public struct MessageSenders: Sendable {
    public var email: any MessageSender
    public var sms: any MessageSender
    /// Set in dev mode: what `GET /dev/outbox` shows.
    public var outbox: DevOutbox?

    public init(email: any MessageSender, sms: any MessageSender, outbox: DevOutbox? = nil) {
        self.email = email
        self.sms = sms
        self.outbox = outbox
    }

    /// The one place that decides where messages go: a channel's configured transport (SMTP,
    /// the SMS webhook) when there is one; else, in dev mode, the dev outbox; else a sender
    /// that refuses, so the API answers 503 `DELIVERY_FAILED` rather than pretend.
    public static func choose(
        dev: Bool, transports: DeliveryTransports = .none, clock: any WallClock = SystemWallClock()
    ) -> MessageSenders {
        let outbox = dev ? DevOutbox(clock: clock) : nil
        return MessageSenders(
            email: transports.email ?? outbox ?? UnconfiguredSender(channel: .email),
            sms: transports.sms ?? outbox ?? UnconfiguredSender(channel: .sms),
            outbox: outbox)
    }

    public func sender(for channel: OutgoingMessage.Channel) -> any MessageSender {
        switch channel {
        case .email: email
        case .sms: sms
        }
    }
}
