import NIOCore

/// A message published to a channel this client subscribed to.
///
/// ```swift
/// for try await message in subscription {
///     print(message.channel, String(buffer: message.payload))
/// }
/// ```
public struct RedisPubSubMessage: Sendable, Equatable {
    /// The channel the message was published to.
    public var channel: String
    /// The bytes published, as sent.
    public var payload: ByteBuffer

    public init(channel: String, payload: ByteBuffer) {
        self.channel = channel
        self.payload = payload
    }
}
