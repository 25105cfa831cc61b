import TesseraCore

/// An e-mail address as SMTP and a header carry it, with an optional display name:
/// `Tessera <no-reply@example.com>` or `ada@example.com`.
///
/// Parsing refuses what could change the meaning of a command or a header: CR, LF and other
/// control characters, `<`, `>`, spaces and quotes in the address, and non-ASCII addresses
/// (SMTPUTF8 is not supported). A display name may be any text without control characters;
/// it is written as an RFC 2047 encoded-word when it is not plain ASCII.
/// ```swift
/// let from = try MailAddress(parsing: "Tessera <no-reply@example.com>")
/// from.address      // "no-reply@example.com"
/// from.headerValue  // "Tessera <no-reply@example.com>"
/// ```
public struct MailAddress: Sendable, Equatable {
    public var displayName: String?
    public var address: String

    /// The longest path RFC 5321 §4.5.3.1.3 allows.
    static let maximumLength = 254

    public init(parsing text: String) throws(DeliveryError) {
        guard !text.unicodeScalars.contains(where: Self.isControl) else {
            throw DeliveryError("an e-mail address contains a control character")
        }
        let trimmed = text.trimmingSpaces
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let name = String(trimmed[..<open]).trimmingSpaces
            address = try Self.validated(String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]))
            displayName = name.isEmpty ? nil : Self.unquoted(name)
        } else {
            address = try Self.validated(trimmed)
            displayName = nil
        }
    }

    /// `Name <address>`, the name quoted or encoded as needed; the address alone without one.
    public var headerValue: String {
        guard let displayName else { return address }
        return "\(EncodedWord.phrase(displayName)) <\(address)>"
    }

    /// The domain after the last `@`.
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@")!)...] }

    private static func validated(_ address: String) throws(DeliveryError) -> String {
        guard address.utf8.count <= maximumLength, address.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 }),
              !address.contains(where: { "<>()[]\\,;:\"".contains($0) }),
              let at = address.lastIndex(of: "@"), at != address.startIndex, address.index(after: at) != address.endIndex
        else { throw DeliveryError("not a deliverable e-mail address") }
        return address
    }

    private static func unquoted(_ name: String) -> String {
        guard name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") else { return name }
        return String(name.dropFirst().dropLast())
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
