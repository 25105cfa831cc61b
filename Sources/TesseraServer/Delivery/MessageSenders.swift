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

    /// The one place that decides where messages go: the dev outbox in dev mode for both
    /// channels; otherwise each channel's transport, or a sender that refuses when none is
    /// configured. Transports (SMTP, an SMS webhook) are chosen here as they come.
    public static func choose(dev: Bool, clock: any WallClock = SystemWallClock()) -> MessageSenders {
        if dev {
            let outbox = DevOutbox(clock: clock)
            return MessageSenders(email: outbox, sms: outbox, outbox: outbox)
        }
        return MessageSenders(email: UnconfiguredSender(channel: .email), sms: UnconfiguredSender(channel: .sms))
    }

    public func sender(for channel: OutgoingMessage.Channel) -> any MessageSender {
        switch channel {
        case .email: email
        case .sms: sms
        }
    }
}
