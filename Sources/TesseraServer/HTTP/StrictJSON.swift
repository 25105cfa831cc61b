/// A strict RFC 8259 syntax check run before decoding. Foundation's decoder accepts trailing
/// commas and repeated keys; on an auth API a sloppy body must be refused, not guessed at
/// (`{"device": "mobile",}` must not turn into "kick out every device").
struct StrictJSON {
    enum Failure: Error {
        case syntax
        case duplicateKey(String)
        case tooDeep
    }

    static let maximumDepth = 32

    private let bytes: [UInt8]
    private var index = 0
    /// A member of the top-level object to locate while parsing, and where its value is.
    private let wanted: [UInt8]?
    private var found: Range<Int>?

    /// Throws unless `bytes` is exactly one JSON value in valid UTF-8 with unique keys,
    /// nested at most ``maximumDepth`` deep.
    static func validate(_ bytes: [UInt8]) throws {
        _ = try parse(bytes, locating: nil)
    }

    /// The text of member `name` of the top-level object in `bytes`, which must be valid
    /// (see ``validate(_:)``), with the whitespace between tokens removed. Nil when the
    /// value is not an object or has no such member.
    static func member(_ name: String, of bytes: [UInt8]) -> String? {
        guard let range = (try? parse(bytes, locating: Array(name.utf8))) ?? nil else { return nil }
        return String(decoding: compact(bytes[range]), as: UTF8.self)
    }

    private static func parse(_ bytes: [UInt8], locating wanted: [UInt8]?) throws -> Range<Int>? {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw Failure.syntax }
        var parser = StrictJSON(bytes: bytes, wanted: wanted)
        parser.skipWhitespace()
        try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw Failure.syntax }
        return parser.found
    }

    private init(bytes: [UInt8], wanted: [UInt8]?) {
        self.bytes = bytes
        self.wanted = wanted
    }

    /// Valid JSON text without the whitespace outside its strings.
    private static func compact(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var inString = false
        var escaped = false
        for byte in text {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                result.append(byte)
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                result.append(byte)
            } else if !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D) {
                result.append(byte)
            }
        }
        return result
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard current == byte else { throw Failure.syntax }
        index += 1
    }

    private mutating func value(depth: Int) throws {
        guard depth <= Self.maximumDepth else { throw Failure.tooDeep }
        switch current {
        case UInt8(ascii: "{"): try object(depth: depth + 1)
        case UInt8(ascii: "["): try array(depth: depth + 1)
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    private mutating func object(depth: Int) throws {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if current == UInt8(ascii: "}") { index += 1; return }
        var keys = Set<[UInt8]>()
        while true {
            skipWhitespace()
            let key = try string()
            guard keys.insert(key).inserted else { throw Failure.duplicateKey(String(decoding: key, as: UTF8.self)) }
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let start = index
            try value(depth: depth)
            if depth == 1, key == wanted { found = start..<index }
            skipWhitespace()
            if current == UInt8(ascii: ",") { index += 1; continue }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    private mutating func array(depth: Int) throws {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if current == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipWhitespace()
            try value(depth: depth)
            skipWhitespace()
            if current == UInt8(ascii: ",") { index += 1; continue }
            try expect(UInt8(ascii: "]"))
            return
        }
    }

    /// The raw bytes between the quotes; escapes are checked, UTF-8 is checked by the decoder.
    private mutating func string() throws -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        let start = index
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                defer { index += 1 }
                return Array(bytes[start..<index])
            case UInt8(ascii: "\\"):
                index += 1
                guard let escaped = current else { throw Failure.syntax }
                if escaped == UInt8(ascii: "u") {
                    for _ in 0..<4 {
                        index += 1
                        guard let hex = current, hex.isHexDigit else { throw Failure.syntax }
                    }
                } else {
                    guard Array("\"\\/bfnrt".utf8).contains(escaped) else { throw Failure.syntax }
                }
                index += 1
            case 0x00..<0x20:
                throw Failure.syntax
            default:
                index += 1
            }
        }
        throw Failure.syntax
    }

    private mutating func literal(_ word: String) throws {
        for byte in word.utf8 { try expect(byte) }
    }

    private mutating func number() throws {
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, first.isDigit else { throw Failure.syntax }
        index += 1
        if first != UInt8(ascii: "0") { while let byte = current, byte.isDigit { index += 1 } }
        if current == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
    }

    private mutating func digits() throws {
        guard let byte = current, byte.isDigit else { throw Failure.syntax }
        while let byte = current, byte.isDigit { index += 1 }
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { (0x30...0x39).contains(self) }
    fileprivate var isHexDigit: Bool { isDigit || (0x41...0x46).contains(self) || (0x61...0x66).contains(self) }
}
