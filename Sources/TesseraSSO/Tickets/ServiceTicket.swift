import TesseraCore

/// A CAS service ticket: `ST-` and 32 base62 characters (about 190 bits) from the system
/// CSPRNG. Stores keep only its ``storageKey``, so a dump of Redis holds no ticket.
///
/// ```swift
/// let ticket = ServiceTicket.issue()      // "ST-8fJ2…"
/// ServiceTicket(ticket.text)?.storageKey  // the key a store files it under
/// ```
public struct ServiceTicket: Sendable, Equatable {
    public static let prefix = "ST-"
    public static let randomLength = 32

    public let text: String

    /// Nil for text that cannot be a ticket Tessera issued (wrong prefix, length or alphabet).
    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix), text.utf8.count == Self.prefix.utf8.count + Self.randomLength,
              text.utf8.dropFirst(Self.prefix.utf8.count).allSatisfy({ Self.alphabet.contains($0) })
        else { return nil }
        self.text = text
    }

    public static func issue() -> ServiceTicket {
        var characters: [UInt8] = []
        while characters.count < randomLength {
            // 248 is the largest multiple of 62 in a byte: rejecting the rest keeps every
            // character equally likely.
            for byte in SecureRandom.bytes(randomLength) where byte < 248 && characters.count < randomLength {
                characters.append(alphabet[Int(byte % 62)])
            }
        }
        return ServiceTicket(prefix + String(decoding: characters, as: UTF8.self))!
    }

    /// The name a store files the ticket under: a SHA-256 prefix, never the ticket itself.
    public var storageKey: String { IdentifierDigest.hex(text) }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
}
