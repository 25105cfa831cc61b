import Crypto

/// The seeds' legacy password scheme (seed 001, the "seckill" project), kept only so that
/// imported accounts can log in once and be re-hashed.
///
/// The browser sent `formPass = md5(s[0] + s[2] + password + s[5] + s[4])` with the fixed
/// salt `s = "1a2b3c"`, and the server stored `dbPass = md5(t[0] + t[2] + formPass + t[5] + t[4])`
/// with the account's own salt `t`; both digests are lower-case hex of the UTF-8 text.
/// Tessera receives the plain password, so it computes both steps.
///
/// To import such an account, store its salt and `dbPass` as the password hash:
/// `$md5x2$<user salt>$<dbPass>`, e.g. `$md5x2$1a2b3c4d$<32 hex digits>`. The user salt must
/// be 6 to 64 printable ASCII characters other than `$`.
enum DoubleSaltedMD5 {
    static let clientSalt = Array("1a2b3c")

    static func isValidUserSalt(_ salt: Substring) -> Bool {
        (6...64).contains(salt.utf8.count) && salt.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != 0x24 }
    }

    /// `dbPass` as raw digest bytes, for a constant-time comparison with the stored one.
    static func databaseDigest(password: String, userSalt: String) -> [UInt8] {
        let formPassword = Hex.encode(Insecure.MD5.hash(data: Array(salted(password, with: clientSalt).utf8)))
        return Array(Insecure.MD5.hash(data: Array(salted(formPassword, with: Array(userSalt)).utf8)))
    }

    private static func salted(_ text: String, with salt: [Character]) -> String {
        String([salt[0], salt[2]]) + text + String([salt[5], salt[4]])
    }
}
