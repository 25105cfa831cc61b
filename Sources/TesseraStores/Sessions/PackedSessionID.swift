import TesseraCore

/// A session id as the 128 bits its 32 hex digits spell: the memory store's key.
///
/// ``SessionRef/id`` is text, 32 lower-case hex digits. Held as text, each session would
/// carry a heap allocation for it (48 bytes with the header) in its record, again in its
/// user's index and in its tombstone, and every lookup would hash a string; held as two
/// words it is 16 bytes inline and hashes as two integers.
/// ```swift
/// let id = PackedSessionID(ref.id)   // nil: the text names no session
/// id?.text == ref.id                  // true
/// ```
struct PackedSessionID: Hashable, Sendable {
    private let high: UInt64
    private let low: UInt64

    /// Nil for any text but 32 lower-case hex digits: ``SessionTokens`` makes no other id,
    /// so such a text names no session.
    init?(_ text: String) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        for byte in text.utf8 {
            guard digits < 32, let nibble = Self.nibble(byte) else { return nil }
            if digits < 16 { high = high << 4 | nibble } else { low = low << 4 | nibble }
            digits += 1
        }
        guard digits == 32 else { return nil }
        self.high = high
        self.low = low
    }

    /// The id as ``SessionTokens`` spells it.
    var text: String {
        withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { Hex.encode($0) }
    }

    private static func nibble(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt64(byte - UInt8(ascii: "a") + 10)
        default: return nil
        }
    }
}
