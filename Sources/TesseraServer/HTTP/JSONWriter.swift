import Foundation

/// Writes the API's JSON straight into bytes. The responses are a handful of flat objects;
/// Foundation's `JSONEncoder` spent more time on them than the session check itself
/// (profiled under wrk), so they are written by hand, in one place.
///
/// ```swift
/// var json = JSONWriter()
/// json.object { json in
///     json.field("status") { $0.string("ok") }
/// }
/// ```
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init() {
        bytes.reserveCapacity(512)
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func array<Element>(_ elements: [Element], _ write: (inout JSONWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for element in elements {
            separate()
            write(&self, element)
            needsComma = true
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member of the object being written; `value` writes exactly one value.
    mutating func field(_ name: String, _ value: (inout JSONWriter) -> Void) {
        separate()
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
        value(&self)
        needsComma = true
    }

    mutating func string(_ value: String?) {
        guard let value else { return null() }
        quoted(value)
    }

    mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// JSON text written as it is: stored session values, checked when they were written.
    mutating func raw(_ json: String) {
        bytes.append(contentsOf: json.utf8)
    }

    mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }

    /// RFC 3339 in UTC with whole seconds, e.g. `2026-11-23T04:05:06Z`.
    mutating func date(_ date: Date) {
        bytes.append(UInt8(ascii: "\""))
        RFC3339.write(date, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func strings(_ values: [String]) {
        array(values) { $0.string($1) }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = false
    }

    /// Most text needs no escaping and is copied whole.
    private mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != 0x7F }) {
            bytes.append(contentsOf: text.utf8)
        } else {
            escaping(text)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escaping(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case 0x0A: bytes.append(contentsOf: #"\n"#.utf8)
            case 0x0D: bytes.append(contentsOf: #"\r"#.utf8)
            case 0x09: bytes.append(contentsOf: #"\t"#.utf8)
            case 0x00..<0x20, 0x7F:
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// A value the API answers with.
protocol JSONRepresentable {
    func write(to json: inout JSONWriter)
}

/// RFC 3339 timestamps in UTC, computed from the epoch without a formatter.
enum RFC3339 {
    static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        write(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the timestamp's 20 characters, e.g. `2026-11-23T04:05:06Z`.
    static func write(_ date: Date, to bytes: inout [UInt8]) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        var days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        // Civil date from days since 1970-01-01 (proleptic Gregorian).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        digits(year, 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// `value` in decimal, zero-padded to at least `width` digits.
    private static func digits(_ value: Int64, _ width: Int, to bytes: inout [UInt8]) {
        guard value >= 0, value < 10_000 else {
            bytes.append(contentsOf: String(value).utf8)
            return
        }
        var divisor: Int64 = 1000
        var place = 4
        while place > width, value < divisor {
            divisor /= 10
            place -= 1
        }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
