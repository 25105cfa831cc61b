import NIOCore

/// The Redis Cluster hash slot (0 to 16383) of a key: CRC16 of the key modulo 16384.
///
/// When a key holds a hash tag — the text between the first `{` and the next `}`, if not empty —
/// only the tag is hashed, so keys sharing a tag share a slot and may be used together in one
/// command or script:
///
/// ```swift
/// RedisHashSlot(key: "{u:42}:sessions") == RedisHashSlot(key: "{u:42}:session:abc")   // true
/// RedisHashSlot(key: "123456789").rawValue                                             // 12739
/// ```
public struct RedisHashSlot: Hashable, Sendable, CustomStringConvertible {
    /// How many slots a cluster has.
    public static let count = 16384

    public let rawValue: Int

    public init(key: String) {
        var key = key
        self = key.withUTF8 { RedisHashSlot(bytes: $0) }
    }

    public init(key: ByteBuffer) {
        self = key.withUnsafeReadableBytes { RedisHashSlot(bytes: $0) }
    }

    init(bytes: some RandomAccessCollection<UInt8>) {
        self.rawValue = Int(CRC16.checksum(Self.hashedPart(of: bytes)) % UInt16(Self.count))
    }

    /// The hash tag of a key when it has a non-empty one, else the whole key.
    static func hashedPart<Bytes: RandomAccessCollection<UInt8>>(of key: Bytes) -> Bytes.SubSequence {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return key[...] }
        let tagStart = key.index(after: open)
        guard let close = key[tagStart...].firstIndex(of: UInt8(ascii: "}")), close != tagStart else {
            return key[...]
        }
        return key[tagStart..<close]
    }

    public var description: String { String(self.rawValue) }
}
