import NIOCore

/// What a subscriber connection reports, read from RESP3 push frames or RESP2 subscribe-mode arrays.
enum PubSubEvent: Sendable {
    /// A message (`message`, or `smessage` for sharded pub/sub).
    case message(channel: String, payload: ByteBuffer)
    /// The server confirmed a subscription (`subscribe`, `ssubscribe`).
    case subscribed(String)
    /// The server ended a subscription (`unsubscribe`, `sunsubscribe`): asked for, or because the
    /// channel's slot moved to another node.
    case unsubscribed(String)
    /// An error reply, such as an ACL refusal of `SUBSCRIBE`.
    case error(String)

    /// The event `frame` carries, or `nil` for frames a subscriber has no use for (`pong`).
    init?(frame: RESPValue) {
        if let message = frame.errorMessage {
            self = .error(message)
            return
        }
        guard let parts = frame.array, parts.count >= 3, let kind = parts[0].string, let channel = parts[1].string else {
            return nil
        }
        switch kind.lowercased() {
        case "message", "smessage":
            guard let payload = parts[2].bytes else { return nil }
            self = .message(channel: channel, payload: payload)
        case "subscribe", "ssubscribe":
            self = .subscribed(channel)
        case "unsubscribe", "sunsubscribe":
            self = .unsubscribed(channel)
        default:
            return nil
        }
    }
}
