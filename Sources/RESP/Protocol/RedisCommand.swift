import NIOCore

/// A command and its arguments, sent to the server as an array of bulk strings.
///
/// Arguments are binary-safe; build a command from strings or from bytes you already hold:
///
/// ```swift
/// let set = RedisCommand(["SET", "greeting", "hello", "EX", "60"])
/// let put = RedisCommand([ByteBuffer(string: "SET"), ByteBuffer(string: "avatar"), pngBytes])
/// let reply = try await client.send(set)
/// ```
public struct RedisCommand: Sendable, Equatable {
    /// The command name followed by its arguments.
    public var arguments: [ByteBuffer]

    public init(_ arguments: [String]) {
        self.arguments = arguments.map { ByteBuffer(string: $0) }
    }

    public init(_ arguments: [ByteBuffer]) {
        self.arguments = arguments
    }

    /// The command name in upper case, the only part of a command that is safe to log:
    /// arguments may carry passwords, tokens or personal data.
    public var name: String {
        self.arguments.first.map { String(buffer: $0).uppercased() } ?? ""
    }
}
