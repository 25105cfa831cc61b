import Crypto
import Foundation

/// The name the limit stores give an identifier, address or destination: the first 128 bits
/// of its SHA-256, in hex (32 characters).
///
/// Keys built from it show no e-mail, phone number or IP address in a dump of Redis, in
/// `MONITOR` or in a heap, and have one length whatever the caller passes. It hides rather
/// than protects: whoever holds a dump can hash guesses, and phone numbers are few enough to
/// try them all.
/// ```swift
/// let key = "tessera:{lf:\(IdentifierDigest.hex("ada@example.com"))}"
/// ```
public enum IdentifierDigest {
    public static func hex(_ identifier: String) -> String {
        Hex.encode(SHA256.hash(data: Data(identifier.utf8)).prefix(16))
    }
}
