/// The protocol a connection negotiated: RESP3 through `HELLO 3`, or RESP2 on servers without `HELLO`.
///
/// ```swift
/// let connection = try await RedisConnection.connect(configuration: configuration, eventLoop: loop)
/// if connection.protocolVersion == .resp2 { /* maps arrive as flat arrays */ }
/// ```
public enum RESPProtocolVersion: Int, Sendable, Hashable {
    case resp2 = 2
    case resp3 = 3
}
