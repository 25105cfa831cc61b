import Crypto
import Foundation
import HummingbirdBcrypt
import _CryptoExtras

/// Hashes passwords with scrypt and checks them against stored hashes of any kind
/// Tessera knows: its own scrypt, imported bcrypt, and the seeds' double-salted MD5.
///
/// Hashing and verifying take a few hundred milliseconds of CPU by design: call them on a
/// thread pool, never on an event loop.
/// ```swift
/// let hasher = PasswordHasher()
/// let stored = try hasher.hash("correct horse battery staple")
/// // "$scrypt$ln=16,r=8,p=2$<salt>$<hash>"
///
/// guard let user = try await accounts.find(.username(name)) else {
///     hasher.dummyVerify(password)  // same time as a real check: no user enumeration
///     throw LoginError.wrongCredentials
/// }
/// if case .valid(let needsRehash) = hasher.verify(password, against: user.passwordHash ?? "") { … }
/// ```
public struct PasswordHasher: Sendable {
    /// The parameters of new hashes; stored hashes weaker than these need a rehash.
    public let parameters: ScryptParameters

    static let saltLength = 16
    static let digestLength = 32

    public init(parameters: ScryptParameters = .recommended) {
        self.parameters = parameters
    }

    /// A new scrypt hash in PHC string form with a fresh 16-byte random salt.
    ///
    /// Throws only when the system cannot give the KDF its memory.
    public func hash(_ password: String) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let digest = try Self.scrypt(password, salt: salt, parameters: parameters, length: Self.digestLength)
        return "$scrypt$\(parameters)$\(PHCBase64.encode(salt))$\(PHCBase64.encode(digest))"
    }

    /// Checks `password` against a stored hash. Anything malformed or unknown is
    /// `.invalid` and still costs the time of a real check.
    public func verify(_ password: String, against stored: String) -> PasswordVerification {
        switch StoredPasswordHash(stored) {
        case .scrypt(let storedParameters, let salt, let digest):
            return verifyScrypt(password, parameters: storedParameters, salt: salt, digest: digest)
        case .bcrypt(let hash):
            // The C string handed to bcrypt ends at the first NUL, so "secret\0anything"
            // would pass for "secret".
            guard !password.utf8.contains(0) else { return .invalid }
            // HummingbirdBcrypt compares with memcmp. Both strings it compares are bcrypt
            // outputs over a salt the caller never sees, so the timing gives nothing to steer.
            return Bcrypt.verify(password, hash: hash) ? .valid(needsRehash: true) : .invalid
        case .doubleSaltedMD5(let userSalt, let digest):
            // MD5 takes microseconds: without this, an imported account would answer far
            // sooner than a missing one and give away that it exists.
            dummyVerify(password)
            let computed = DoubleSaltedMD5.databaseDigest(password: password, userSalt: userSalt)
            return ConstantTime.equals(computed, digest) ? .valid(needsRehash: true) : .invalid
        case nil:
            dummyVerify(password)
            return .invalid
        }
    }

    /// Spends the time of verifying `password` against a hash with the current parameters,
    /// and learns nothing. Call it when the account does not exist or has no password, so
    /// that the answer takes as long as a wrong password for a real account.
    public func dummyVerify(_ password: String) {
        _ = try? Self.scrypt(password, salt: Self.dummySalt, parameters: parameters, length: Self.digestLength)
    }

    private static let dummySalt = [UInt8](repeating: 0, count: saltLength)

    private func verifyScrypt(
        _ password: String, parameters stored: ScryptParameters, salt: [UInt8], digest: [UInt8]
    ) -> PasswordVerification {
        guard let computed = try? Self.scrypt(password, salt: salt, parameters: stored, length: digest.count),
            ConstantTime.equals(computed, digest)
        else { return .invalid }
        let weaker =
            stored.isWeaker(than: parameters) || salt.count < Self.saltLength || digest.count < Self.digestLength
        return .valid(needsRehash: weaker)
    }

    /// Passwords are hashed in Unicode NFC (RFC 8265's OpaqueString), so "é" typed as one
    /// code point or as "e" plus a combining accent is the same password on every device.
    private static func scrypt(
        _ password: String, salt: [UInt8], parameters: ScryptParameters, length: Int
    ) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.precomposedStringWithCanonicalMapping.utf8),
            salt: salt,
            outputByteCount: length,
            rounds: parameters.rounds,
            blockSize: parameters.blockSize,
            parallelism: parameters.parallelism
        )
        return key.withUnsafeBytes { Array($0) }
    }
}
