/// Everything that can go wrong when talking to Redis, as one error type a caller can switch on.
///
/// Server error replies are thrown rather than returned, so a reply value is always a result:
///
/// ```swift
/// do {
///     _ = try await client.send("INCR", "greeting")
/// } catch RedisClientError.server(let message) where message.hasPrefix("WRONGTYPE") {
///     // the key holds a string that is not a number
/// } catch RedisClientError.connectionUnavailable {
///     // Redis is down: fail closed and retry later
/// }
/// ```
///
/// Associated messages never contain command arguments or credentials, so errors can be logged as they are.
public enum RedisClientError: Error, Equatable, CustomStringConvertible {
    /// The configuration URL could not be used; the message says which part is wrong.
    case invalidURL(String)
    /// No connection could be made, or the connection was lost before the reply arrived.
    case connectionUnavailable(String)
    /// The reply did not arrive within the command timeout; the connection it was sent on has been closed.
    case timeout
    /// The server answered with an error reply, such as `WRONGTYPE …` or `NOSCRIPT …`.
    case server(String)
    /// The server sent bytes that are not valid RESP, or a reply nobody asked for.
    case protocolError(String)
    /// The client or connection was closed by its owner.
    case closed
    /// A subscription's consumer fell more than ``RedisConfiguration/subscriptionBufferSize``
    /// messages behind; the subscription ended so that it knows it missed some.
    case subscriberTooSlow
    /// The keys of a command or script, named here, hash to different cluster slots; give them a
    /// common `{hash tag}`. Raised on a cluster only, before anything is sent.
    case crossSlot(String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid Redis URL: \(reason)"
        case .connectionUnavailable(let reason): "Redis unavailable: \(reason)"
        case .timeout: "Redis command timed out"
        case .server(let message): "Redis error reply: \(message)"
        case .protocolError(let reason): "Redis protocol error: \(reason)"
        case .closed: "Redis client closed"
        case .subscriberTooSlow: "Redis subscription ended: its consumer fell too far behind"
        case .crossSlot(let command): "\(command): keys hash to different cluster slots; give them a common {hash tag}"
        }
    }
}
