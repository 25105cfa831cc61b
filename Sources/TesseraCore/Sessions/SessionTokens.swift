import Crypto
import Foundation

/// Issues and checks session tokens.
///
/// A token is `ts1.<tag>.<secret>.<mac>`: the format version, the user's shard tag (so the
/// store finds the user's keys without a lookup), 256 bits from the system CSPRNG, and an
/// HMAC-SHA256 (truncated to 128 bits) over the rest under the server key. A token whose MAC
/// fails is refused without touching the store. The store only ever sees ``SessionRef``:
/// the tag and a SHA-256 of the token, so a dump of the store yields no usable token.
///
/// ```swift
/// let tokens = SessionTokens(serverKey: key)
/// let issued = tokens.issue(forUserID: user.id)   // give issued.token to the client
/// guard let ref = tokens.parse(presented) else { /* INVALID_TOKEN */ }
/// ```
public struct SessionTokens: Sendable {
    public static let version = "ts1"
    /// Longer input is refused before any hashing.
    public static let maximumLength = 128

    /// HMAC states keyed once; each use copies one, so a check does not re-key.
    private let macPrototype: HMAC<SHA256>
    private let tagPrototype: HMAC<SHA256>

    /// - Parameter serverKey: at least 32 bytes, shared by every node of a cluster.
    public init(serverKey: SymmetricKey) {
        let macKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: serverKey, info: Data("tessera token mac".utf8), outputByteCount: 32)
        let tagKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: serverKey, info: Data("tessera user tag".utf8), outputByteCount: 32)
        macPrototype = HMAC<SHA256>(key: macKey)
        tagPrototype = HMAC<SHA256>(key: tagKey)
    }

    public struct Issued: Sendable {
        public var token: String
        public var ref: SessionRef
    }

    public func issue(forUserID userID: String) -> Issued {
        issue(tag: tag(forUserID: userID))
    }

    /// A token under an explicit tag (anonymous sessions have a random one).
    public func issue(tag: String) -> Issued {
        let secret = Base64URL.encode(SecureRandom.bytes(32))
        let body = "\(Self.version).\(tag).\(secret)"
        let token = "\(body).\(mac(body))"
        return Issued(token: token, ref: SessionRef(tag: tag, id: Self.sessionID(of: token)))
    }

    /// The ref of a well-formed token with a valid MAC; nil for anything else.
    ///
    /// It runs on every authenticated request, so it reads the token's bytes in place: no
    /// splitting into strings, one HMAC and one SHA-256 over the original bytes.
    public func parse(_ token: String) -> SessionRef? {
        guard token.utf8.count == Self.length else { return nil }
        var token = token
        return token.withUTF8 { parse(bytes: $0) }
    }

    /// `ts1.` + 12 hex digits + `.` + 43 base64url characters + `.` + 22 of MAC.
    private static let length = 83
    private static let tagRange = 4..<16
    private static let secretRange = 17..<60
    private static let macRange = 61..<83

    private func parse(bytes: UnsafeBufferPointer<UInt8>) -> SessionRef? {
        guard bytes[0] == UInt8(ascii: "t"), bytes[1] == UInt8(ascii: "s"), bytes[2] == UInt8(ascii: "1"),
              bytes[3] == UInt8(ascii: "."), bytes[16] == UInt8(ascii: "."), bytes[60] == UInt8(ascii: "."),
              bytes[Self.tagRange].allSatisfy(\.isLowerHexDigit),
              bytes[Self.secretRange].allSatisfy(\.isBase64URLCharacter)
        else { return nil }
        var hmac = macPrototype
        hmac.update(data: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<Self.secretRange.upperBound])))
        let expected = Base64URL.encodedBytes(Array(hmac.finalize()).prefix(16))
        guard ConstantTime.equals(expected, bytes[Self.macRange]) else { return nil }
        let digest = SHA256.hash(data: UnsafeRawBufferPointer(bytes))
        let tag = String(decoding: bytes[Self.tagRange], as: UTF8.self)
        return SessionRef(tag: tag, id: Hex.encode(digest.prefix(16)))
    }

    /// The shard tag of a user: 48 bits of a keyed hash of the id, so tokens do not reveal
    /// user ids while all of one user's keys land in one Redis Cluster slot.
    public func tag(forUserID userID: String) -> String {
        var hmac = tagPrototype
        hmac.update(data: Array("user:\(userID)".utf8))
        return Hex.encode(Array(hmac.finalize()).prefix(6))
    }

    /// A random tag, for sessions that have no user.
    public static func randomTag() -> String {
        Hex.encode(SecureRandom.bytes(6))
    }

    /// The public id of the session a token names: 128 bits of SHA-256 of the token, in hex.
    public static func sessionID(of token: String) -> String {
        Hex.encode(Array(SHA256.hash(data: Array(token.utf8))).prefix(16))
    }

    private func mac(_ body: String) -> String {
        var hmac = macPrototype
        hmac.update(data: Array(body.utf8))
        return Base64URL.encode(Array(hmac.finalize()).prefix(16))
    }
}

extension UInt8 {
    fileprivate var isLowerHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x61...0x66).contains(self)
    }

    fileprivate var isBase64URLCharacter: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
            || self == 0x2D || self == 0x5F
    }
}
