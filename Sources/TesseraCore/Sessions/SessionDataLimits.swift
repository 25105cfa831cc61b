/// How much data one session may hold. Every store checks these inside the write itself,
/// so concurrent writers cannot together push a session past them.
///
/// Sizes are UTF-8 bytes. A session's total counts its keys as well as its values, so many
/// small values under long keys cannot slip past it.
///
/// ```swift
/// var limits = SessionDataLimits()          // 4 KiB a value, 32 attributes, 16 KiB in all
/// limits.maximumAttributes = 64
/// if let broken = limits.exceeded(writing: ["cart": #"{"items":[]}"#], over: current) {
///     // refuse with SESSION_DATA_TOO_LARGE, naming `broken`
/// }
/// ```
public struct SessionDataLimits: Sendable, Equatable {
    /// The longest key, in characters (all of them ASCII).
    public static let maximumKeyLength = 64

    public var maximumValueBytes: Int
    public var maximumAttributes: Int
    /// Keys and values of all of a session's attributes together.
    public var maximumTotalBytes: Int

    public init(maximumValueBytes: Int = 4096, maximumAttributes: Int = 32, maximumTotalBytes: Int = 16384) {
        self.maximumValueBytes = maximumValueBytes
        self.maximumAttributes = maximumAttributes
        self.maximumTotalBytes = maximumTotalBytes
    }

    /// The first limit that writing `attributes` over `existing` would break, checked in the
    /// order the stores check them: each value's size, then the count, then the total. Nil
    /// when the write fits. Writing a key that exists replaces its value.
    public func exceeded(writing attributes: [String: String], over existing: [String: String]) -> SessionDataLimit? {
        if attributes.values.contains(where: { $0.utf8.count > maximumValueBytes }) {
            return .valueSize(maximumBytes: maximumValueBytes)
        }
        var count = existing.count
        var total = existing.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
        for (key, value) in attributes {
            if let old = existing[key] {
                total -= key.utf8.count + old.utf8.count
            } else {
                count += 1
            }
            total += key.utf8.count + value.utf8.count
        }
        if count > maximumAttributes { return .attributeCount(maximum: maximumAttributes) }
        if total > maximumTotalBytes { return .totalSize(maximumBytes: maximumTotalBytes) }
        return nil
    }

    /// 1 to 64 of `A-Z a-z 0-9 . _ : -`, but not `.` or `..`: clients resolve those as path
    /// segments before sending, so such a key could not be addressed in a URL.
    public static func isValidKey(_ key: String) -> Bool {
        guard (1...maximumKeyLength).contains(key.utf8.count), key != ".", key != ".." else { return false }
        return key.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-")
        }
    }
}
