import Testing

@testable import RESP

@Suite("SHA-1")
struct SHA1Tests {
    @Test(
        "FIPS 180 test vectors",
        arguments: [
            ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ]
    )
    func vectors(message: String, digest: String) {
        #expect(SHA1.hexDigest(of: message.utf8) == digest)
    }

    @Test("a message of a million bytes")
    func longMessage() {
        #expect(SHA1.hexDigest(of: repeatElement(UInt8(ascii: "a"), count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test("messages around the padding boundary")
    func paddingBoundary() {
        // 55 bytes fit the length in one block, 56 need a second one.
        #expect(SHA1.hexDigest(of: String(repeating: "a", count: 55).utf8) == "c1c8bbdc22796e28c0e15163d20899b65621d65a")
        #expect(SHA1.hexDigest(of: String(repeating: "a", count: 56).utf8) == "c2db330f6083854c99d4b5bfb6e8f29f201be699")
        #expect(SHA1.hexDigest(of: String(repeating: "a", count: 64).utf8) == "0098ba824b5c16427bd7a1122a5a442a25ec644d")
    }

    @Test("a script is named by the digest of its source")
    func scriptName() {
        #expect(RedisScript("return 1").sha1 == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db")
    }
}
