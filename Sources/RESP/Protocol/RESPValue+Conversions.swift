import NIOCore

// The conversions accept every shape a reply can take under either protocol version, so code written
// against RESP3 keeps working on a server that only speaks RESP2 (where numbers, doubles and maps
// arrive as strings and flat arrays).
extension RESPValue {
    /// The text of a simple string, bulk string or verbatim string (invalid UTF-8 is repaired).
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes), .verbatimString(_, let bytes): String(buffer: bytes)
        default: nil
        }
    }

    /// The bytes of a bulk, simple or verbatim string.
    public var bytes: ByteBuffer? {
        switch self {
        case .bulkString(let bytes), .verbatimString(_, let bytes): bytes
        case .simpleString(let text): ByteBuffer(string: text)
        default: nil
        }
    }

    /// An integer reply, or a string holding a decimal integer (as `GET` returns for a counter).
    public var int: Int? {
        switch self {
        case .integer(let value): value
        case .simpleString, .bulkString: self.string.flatMap { Int($0) }
        default: nil
        }
    }

    /// A double or integer reply, or a string holding a number (as RESP2 returns `ZSCORE`).
    public var double: Double? {
        switch self {
        case .double(let value): value
        case .integer(let value): Double(value)
        case .simpleString, .bulkString: self.string.flatMap { Double($0) }
        default: nil
        }
    }

    /// A boolean reply, or the integers 1 and 0 that RESP2 uses instead.
    public var bool: Bool? {
        switch self {
        case .boolean(let value): value
        case .integer(1): true
        case .integer(0): false
        default: nil
        }
    }

    /// The elements of an array, set or push.
    public var array: [RESPValue]? {
        switch self {
        case .array(let elements), .set(let elements), .push(let elements): elements
        default: nil
        }
    }

    /// The pairs of a map, or of an array of alternating keys and values (how RESP2 sends maps).
    public var map: [(key: RESPValue, value: RESPValue)]? {
        switch self {
        case .map(let pairs):
            return pairs
        case .array(let elements) where elements.count.isMultiple(of: 2):
            return stride(from: 0, to: elements.count, by: 2).map { (key: elements[$0], value: elements[$0 + 1]) }
        default:
            return nil
        }
    }

    /// The message of a simple or bulk error nested in an aggregate (for example in an `EXEC` reply).
    public var errorMessage: String? {
        switch self {
        case .simpleError(let message), .bulkError(let message): message
        default: nil
        }
    }

    /// Whether this is a null, whichever way the server spelled it.
    public var isNull: Bool {
        if case .null = self { true } else { false }
    }
}
