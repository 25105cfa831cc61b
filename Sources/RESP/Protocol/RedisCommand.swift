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
    /// Arguments as they were given: strings are encoded straight into the outbound buffer,
    /// without a `ByteBuffer` of their own on the way.
    enum Storage: Sendable {
        case strings([String])
        case buffers([ByteBuffer])
    }

    var storage: Storage

    /// The command name followed by its arguments.
    ///
    /// For a command made from strings, each read makes the bytes anew: read it once and keep it.
    public var arguments: [ByteBuffer] {
        get {
            switch self.storage {
            case .strings(let strings): strings.map { ByteBuffer(string: $0) }
            case .buffers(let buffers): buffers
            }
        }
        set {
            self.storage = .buffers(newValue)
        }
    }

    public init(_ arguments: [String]) {
        self.storage = .strings(arguments)
    }

    public init(_ arguments: [ByteBuffer]) {
        self.storage = .buffers(arguments)
    }

    /// How many arguments, the name included.
    var count: Int {
        switch self.storage {
        case .strings(let strings): strings.count
        case .buffers(let buffers): buffers.count
        }
    }

    /// The command name in upper case, the only part of a command that is safe to log:
    /// arguments may carry passwords, tokens or personal data.
    public var name: String {
        switch self.storage {
        case .strings(let strings): strings.first?.uppercased() ?? ""
        case .buffers(let buffers): buffers.first.map { String(buffer: $0).uppercased() } ?? ""
        }
    }

    public static func == (lhs: RedisCommand, rhs: RedisCommand) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.strings(let l), .strings(let r)): l.elementsEqual(r) { $0.utf8.elementsEqual($1.utf8) }
        default: lhs.arguments == rhs.arguments
        }
    }
}
