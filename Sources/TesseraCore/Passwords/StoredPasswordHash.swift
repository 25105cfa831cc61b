/// A stored password hash taken apart, or nil for anything malformed or unknown.
///
/// Formats read:
/// - `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`: PHC string, B64 salt and hash.
/// - `$2a$`, `$2b$`, `$2y$` + cost + 53 characters: bcrypt, as written by most libraries.
/// - `$md5x2$<user salt>$<32 hex digits>`: the seeds' double-salted MD5 (see ``DoubleSaltedMD5``).
enum StoredPasswordHash {
    case scrypt(ScryptParameters, salt: [UInt8], digest: [UInt8])
    /// Normalised to `$2b$`, the only prefix HummingbirdBcrypt reads.
    case bcrypt(String)
    case doubleSaltedMD5(userSalt: String, digest: [UInt8])

    /// Salts and digests outside these lengths are not something this or any common
    /// library wrote; refusing them keeps odd rows from reaching the KDF.
    static let scryptSaltLengths = 8...64
    static let scryptDigestLengths = 16...64

    /// bcrypt costs above 16 take seconds to minutes; no real system stores them, and a
    /// tampered row must not pin a thread.
    static let bcryptCosts = 4...16

    init?(_ text: String) {
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].isEmpty else { return nil }
        switch fields[1] {
        case "scrypt": self.init(scrypt: fields)
        case "2a", "2b", "2y": self.init(bcrypt: fields)
        case "md5x2": self.init(doubleSaltedMD5: fields)
        default: return nil
        }
    }

    private init?(scrypt fields: [Substring]) {
        guard fields.count == 5,
            let parameters = Self.scryptParameters(fields[2]),
            let salt = PHCBase64.decode(fields[3]), Self.scryptSaltLengths.contains(salt.count),
            let digest = PHCBase64.decode(fields[4]), Self.scryptDigestLengths.contains(digest.count)
        else { return nil }
        self = .scrypt(parameters, salt: salt, digest: digest)
    }

    private init?(bcrypt fields: [Substring]) {
        guard fields.count == 4, fields[2].utf8.count == 2, let cost = Self.decimal(fields[2]),
            Self.bcryptCosts.contains(cost),
            fields[3].utf8.count == 53, fields[3].utf8.allSatisfy(Self.isBcryptBase64)
        else { return nil }
        // $2a$ as Java (jBCrypt, Spring Security) and PHP write it, and $2y$, hash exactly
        // like $2b$; only OpenBSD's own early $2a$ wrapped the length of passwords over
        // 254 bytes, and those hashes are not what gets imported.
        self = .bcrypt("$2b$\(fields[2])$\(fields[3])")
    }

    private init?(doubleSaltedMD5 fields: [Substring]) {
        guard fields.count == 4, DoubleSaltedMD5.isValidUserSalt(fields[2]),
            let digest = Self.hexBytes(fields[3]), digest.count == 16
        else { return nil }
        self = .doubleSaltedMD5(userSalt: String(fields[2]), digest: digest)
    }

    /// Reads exactly `ln`, `r` and `p`, in that order, as PHC writes them.
    private static func scryptParameters(_ text: Substring) -> ScryptParameters? {
        let pairs = text.split(separator: ",", omittingEmptySubsequences: false)
        guard pairs.count == 3 else { return nil }
        var values: [Int] = []
        for (pair, name) in zip(pairs, ["ln", "r", "p"]) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name, let value = decimal(parts[1]) else { return nil }
            values.append(value)
        }
        return ScryptParameters(logN: values[0], blockSize: values[1], parallelism: values[2])
    }

    private static func decimal(_ text: Substring) -> Int? {
        guard (1...4).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        return Int(text)
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func isBcryptBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}
