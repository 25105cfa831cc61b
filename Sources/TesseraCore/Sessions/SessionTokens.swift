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
    public func parse(_ token: String) -> SessionRef? {
        guard token.utf8.count <= Self.maximumLength else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.version,
              parts[1].utf8.count == 12, parts[1].utf8.allSatisfy(\.isLowerHexDigit),
              parts[2].utf8.count == 43, parts[2].utf8.allSatisfy(\.isBase64URLCharacter)
        else { return nil }
        let body = "\(parts[0]).\(parts[1]).\(parts[2])"
        guard ConstantTime.equals(Array(mac(body).utf8), Array(parts[3].utf8)) else { return nil }
        return SessionRef(tag: String(parts[1]), id: Self.sessionID(of: token))
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
