/// Bounds the decoder enforces so that a hostile or broken server cannot exhaust memory or stack.
///
/// A frame that exceeds a limit fails the connection with ``RedisClientError/protocolError(_:)``
/// as soon as its header arrives, before its body is buffered.
///
/// ```swift
/// var configuration = try RedisConfiguration(url: "redis://cache:6379")
/// configuration.decodingLimits = RESPDecodingLimits(maximumBulkLength: 16 * 1024 * 1024)
/// ```
public struct RESPDecodingLimits: Sendable, Hashable {
    /// Largest bulk string, bulk error or verbatim string, in bytes; 512 MB is also the most a
    /// Redis value can hold (`proto-max-bulk-len`).
    public var maximumBulkLength: Int
    /// Deepest nesting of aggregates (arrays, maps, sets, pushes, attributes).
    public var maximumDepth: Int
    /// Longest simple string, simple error, number or header line, in bytes.
    public var maximumLineLength: Int

    public init(
        maximumBulkLength: Int = 512 * 1024 * 1024,
        maximumDepth: Int = 64,
        maximumLineLength: Int = 64 * 1024
    ) {
        self.maximumBulkLength = maximumBulkLength
        self.maximumDepth = maximumDepth
        self.maximumLineLength = maximumLineLength
    }
}
