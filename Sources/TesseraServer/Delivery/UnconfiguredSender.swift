import TesseraCore

/// The sender of a channel no transport was configured for, outside dev mode: every
/// message fails with ``DeliveryError``, so the API answers 503 `DELIVERY_FAILED` rather
/// than pretending a code went out.
///
/// ```swift
/// let sms: any MessageSender = UnconfiguredSender(channel: .sms)
/// ```
public struct UnconfiguredSender: MessageSender {
    public let channel: OutgoingMessage.Channel

    public init(channel: OutgoingMessage.Channel) {
        self.channel = channel
    }

    public func send(_ message: OutgoingMessage) async throws {
        throw DeliveryError("no \(channel.rawValue) transport is configured")
    }
}
