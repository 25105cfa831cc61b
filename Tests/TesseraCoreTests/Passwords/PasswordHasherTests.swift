import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import TesseraCore

@Suite("PasswordHasher")
struct PasswordHasherTests {
    /// Cheap parameters keep the suite fast; the default row is checked separately.
    static let cheap = ScryptParameters(logN: 10, blockSize: 8, parallelism: 1)!
    let hasher = PasswordHasher(parameters: Self.cheap)

    @Test("a hash verifies its password and no other")
    func roundTrip() throws {
        let stored = try hasher.hash("correct horse battery staple")
        #expect(stored.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(hasher.verify("correct horse battery staple", against: stored) == .valid(needsRehash: false))
        #expect(hasher.verify("correct horse battery stapler", against: stored) == .invalid)
        #expect(hasher.verify("", against: stored) == .invalid)
    }

    @Test("the PHC string has a 16-byte salt and a 32-byte hash, unpadded")
    func phcShape() throws {
        let fields = try hasher.hash("correct horse battery staple").split(separator: "$")
        #expect(fields.count == 4)
        #expect(!fields[2].contains("=") && !fields[3].contains("="))
        #expect(PHCBase64.decode(fields[2])?.count == 16)
        #expect(PHCBase64.decode(fields[3])?.count == 32)
    }

    @Test("every hash has its own salt")
    func saltsDiffer() throws {
        let first = try hasher.hash("same password")
        let second = try hasher.hash("same password")
        #expect(first != second)
        #expect(first.split(separator: "$")[2] != second.split(separator: "$")[2])
    }

    @Test("Unicode passwords hash in NFC: composed and decomposed accents are one password")
    func unicodeNormalisation() throws {
        let composed = "caf\u{E9} 密码很安全"
        let decomposed = "cafe\u{301} 密码很安全"
        let stored = try hasher.hash(composed)
        #expect(hasher.verify(decomposed, against: stored) == .valid(needsRehash: false))
    }

    @Test("a published scrypt vector verifies through the PHC form")
    func rfc7914Vector() {
        // RFC 7914 section 12, third vector: P="pleaseletmein", S="SodiumChloride", N=16384, r=8, p=1.
        let digest: [UInt8] = [
            0x70, 0x23, 0xbd, 0xcb, 0x3a, 0xfd, 0x73, 0x48, 0x46, 0x1c, 0x06, 0xcd, 0x81, 0xfd, 0x38, 0xeb,
            0xfd, 0xa8, 0xfb, 0xba, 0x90, 0x4f, 0x8e, 0x3e, 0xa9, 0xb5, 0x43, 0xf6, 0x54, 0x5d, 0xa1, 0xf2,
            0xd5, 0x43, 0x29, 0x55, 0x61, 0x3f, 0x0f, 0xcf, 0x62, 0xd4, 0x97, 0x05, 0x24, 0x2a, 0x9a, 0xf9,
            0xe6, 0x1e, 0x85, 0xdc, 0x0d, 0x65, 0x1e, 0x40, 0xdf, 0xcf, 0x01, 0x7b, 0x45, 0x57, 0x58, 0x87,
        ]
        let salt = PHCBase64.encode(Array("SodiumChloride".utf8))
        let stored = "$scrypt$ln=14,r=8,p=1$\(salt)$\(PHCBase64.encode(digest))"
        // Stronger than the cheap parameters, but a 14-byte salt is below the 16 this hasher writes.
        #expect(hasher.verify("pleaseletmein", against: stored) == .valid(needsRehash: true))
        #expect(hasher.verify("pleaseletmeout", against: stored) == .invalid)
    }

    @Test("bcrypt hashes from other systems verify and ask for a rehash")
    func bcryptVectors() {
        // Openwall crypt_blowfish's published vectors; $2b$ and $2y$ hash these like $2a$.
        #expect(
            hasher.verify("U*U", against: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")
                == .valid(needsRehash: true))
        #expect(
            hasher.verify("U*U*", against: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK")
                == .valid(needsRehash: true))
        #expect(
            hasher.verify("U*U", against: "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")
                == .valid(needsRehash: true))
        #expect(
            hasher.verify("U*U", against: "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")
                == .valid(needsRehash: true))
        #expect(
            hasher.verify("U*U*", against: "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW") == .invalid)
        // Made with Python's bcrypt 4 (cost 10), as a Java or Python system would have stored them.
        let b = "$2b$10$EywMl16oKdjHt1PrYaEMPeMc6j.yg9Hxvqp6CwH/ybQlJV7KYLCna"
        let a = "$2a$10$L67Qk4Lx7vqnhiHlOcMi9OEmwNzitR9uMzqLaYkN1ComYF/myKazG"
        #expect(hasher.verify("correct horse battery staple", against: b) == .valid(needsRehash: true))
        #expect(hasher.verify("correct horse battery staple", against: a) == .valid(needsRehash: true))
        #expect(hasher.verify("correct horse battery stapler", against: b) == .invalid)
        #expect(hasher.verify("correct horse battery staple\0extra", against: b) == .invalid)
    }

    @Test("the seeds' double-salted MD5 verifies and asks for a rehash")
    func doubleSaltedMD5() {
        // The value the seckill project's own database holds for "123456" with salt "1a2b3c4d".
        #expect(
            hasher.verify("123456", against: "$md5x2$1a2b3c4d$b7797cce01b4b131b433b6acf4add449")
                == .valid(needsRehash: true))
        #expect(
            hasher.verify("123456", against: "$md5x2$1a2b3c4d$B7797CCE01B4B131B433B6ACF4ADD449")
                == .valid(needsRehash: true))
        #expect(hasher.verify("1234567", against: "$md5x2$1a2b3c4d$b7797cce01b4b131b433b6acf4add449") == .invalid)

        let password = "密码很安全!"
        let userSalt = "9d5b364d"
        let stored = "$md5x2$\(userSalt)$\(Self.seckillDatabasePassword(password, userSalt: userSalt))"
        #expect(hasher.verify(password, against: stored) == .valid(needsRehash: true))
        #expect(hasher.verify("密码很安全", against: stored) == .invalid)
    }

    @Test("weaker scrypt parameters ask for a rehash, equal or stronger do not")
    func scryptRehash() throws {
        let weak = try PasswordHasher(parameters: ScryptParameters(logN: 9, blockSize: 8, parallelism: 1)!).hash("pw")
        let strong = try PasswordHasher(parameters: ScryptParameters(logN: 11, blockSize: 8, parallelism: 1)!).hash(
            "pw")
        let fewerLanes = try PasswordHasher(parameters: ScryptParameters(logN: 11, blockSize: 4, parallelism: 1)!).hash(
            "pw")
        #expect(hasher.verify("pw", against: weak) == .valid(needsRehash: true))
        #expect(hasher.verify("pw", against: strong) == .valid(needsRehash: false))
        #expect(hasher.verify("pw", against: fewerLanes) == .valid(needsRehash: true))
    }

    @Test("a short salt or digest asks for a rehash")
    func shortSaltRehash() throws {
        let salt = [UInt8](repeating: 7, count: 8)
        let key = try KDF.Scrypt.deriveKey(
            from: Array("pw".utf8), salt: salt, outputByteCount: 16, rounds: 1024, blockSize: 8, parallelism: 1)
        let digest = key.withUnsafeBytes { Array($0) }
        let stored = "$scrypt$ln=10,r=8,p=1$\(PHCBase64.encode(salt))$\(PHCBase64.encode(digest))"
        #expect(hasher.verify("pw", against: stored) == .valid(needsRehash: true))
    }

    @Test(
        "malformed stored hashes are invalid, never a crash",
        arguments: [
            "", "$", "$$$$", "plain", "$scrypt$", "$scrypt$ln=10,r=8,p=1$", "$scrypt$ln=10,r=8,p=1$$",
            "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$",
            "$scrypt$ln=10,r=8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$r=8,ln=10,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=99,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=30,r=64,p=64$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=-1,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=+9,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=10,r=0,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=10,r=8,p=1$!!!!$AAAAAAAAAAAAAAAAAAAAAA",
            "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA$extra",
            "$2b$05$short", "$2b$5$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "$2b$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe!",
            "$md5x2$1a2b3c4d$", "$md5x2$short$b7797cce01b4b131b433b6acf4add449",
            "$md5x2$1a2b3c4d$b7797cce01b4b131b433b6acf4add44", "$md5x2$1a2b3c4d$zz797cce01b4b131b433b6acf4add449",
            "$md5x2$1a2b 3c4d$b7797cce01b4b131b433b6acf4add449", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
            "$scrypt$ln=10,r=8,p=1$密码密码密码密码$AAAAAAAAAAAAAAAAAAAAAA",
        ])
    func malformed(stored: String) {
        #expect(hasher.verify("123456", against: stored) == .invalid)
        #expect(hasher.verify("U*U", against: stored) == .invalid)
    }

    @Test("parameters outside the accepted bounds are refused")
    func parameterBounds() {
        #expect(ScryptParameters(logN: 0, blockSize: 8, parallelism: 1) == nil)
        #expect(ScryptParameters(logN: 16, blockSize: 1, parallelism: 1) == nil)  // N must be < 2^(16r)
        #expect(ScryptParameters(logN: 24, blockSize: 8, parallelism: 1) == nil)  // 2 GiB
        #expect(ScryptParameters(logN: 20, blockSize: 8, parallelism: 16) == nil)  // too much work
        #expect(ScryptParameters.recommended == ScryptParameters(logN: 16, blockSize: 8, parallelism: 2))
        #expect(ScryptParameters.recommended.memoryBytes == 64 << 20)
    }

    /// The seckill formula written out here on its own, not through the code under test.
    static func seckillDatabasePassword(_ password: String, userSalt: String) -> String {
        func md5(_ text: String) -> String {
            Insecure.MD5.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        }
        let s = Array("1a2b3c")
        let t = Array(userSalt)
        let formPass = md5("\(s[0])\(s[2])\(password)\(s[5])\(s[4])")
        return md5("\(t[0])\(t[2])\(formPass)\(t[5])\(t[4])")
    }
}
