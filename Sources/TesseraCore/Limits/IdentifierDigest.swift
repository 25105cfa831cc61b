import Crypto
import Foundation

/// The name the limit stores give an identifier, address or destination: the first 128 bits
/// of its SHA-256, in hex (32 characters).
///
/// Keys built from it show no e-mail, phone number or IP address in a dump of Redis, in
/// `MONITOR` or in a heap, and have one length whatever the caller passes. Alone it hides
/// rather than protects: whoever holds a dump can hash guesses, and phone numbers are few
/// enough to try them all. So ``RateLimiter`` and ``LoginThrottle``, given the server key,
/// hand the stores a keyed digest (``IdentifierKey``) instead of the identifier itself.
/// ```swift
/// let key = "tessera:{lf:\(IdentifierDigest.hex("ada@example.com"))}"
/// ```
public enum IdentifierDigest {
    public static func hex(_ identifier: String) -> String {
        Hex.encode(SHA256.hash(data: Data(identifier.utf8)).prefix(16))
    }
}

/// Identifiers keyed under a key derived from the server key (HMAC-SHA256, 128 bits, in hex),
/// before a limit store sees them: the same on every node that shares the server key, and
/// a dump of the store says nothing about whom it counts without that key.
/// ```swift
/// let throttle = LoginThrottle(store: store, identifiers: IdentifierKey(serverKey: key))
/// ```
public struct IdentifierKey: Sendable {
    private let key: SymmetricKey

    public init(serverKey: SymmetricKey) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: serverKey, info: Data("tessera limit identifiers".utf8), outputByteCount: 32)
    }

    public func callAsFunction(_ identifier: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(identifier.utf8), using: key).prefix(16))
    }
}
