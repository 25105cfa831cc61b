import Testing

@testable import TesseraCore

@Suite("PasswordPolicy")
struct PasswordPolicyTests {
    let policy = PasswordPolicy()

    @Test("lengths count characters, not bytes")
    func lengths() {
        #expect(policy.check("short") == .tooShort(minimum: 8))
        #expect(policy.check("sevenCh") == .tooShort(minimum: 8))
        #expect(policy.check("eight ch") == nil)
        #expect(policy.check("密码很安全") == .tooShort(minimum: 8))  // 15 bytes, 5 characters
        #expect(policy.check("我的密码非常安全啊") == nil)  // 9 characters
        #expect(policy.check("cafe\u{301}s!!") == .tooShort(minimum: 8))  // "cafés!!" is 7 characters in NFC
        #expect(policy.check(String(repeating: "x", count: 128)) == nil)
        #expect(policy.check(String(repeating: "x", count: 129)) == .tooLong(maximum: 128))
        #expect(policy.check(String(repeating: "密", count: 128)) == nil)
    }

    @Test("a 64-character passphrase with spaces and symbols is accepted")
    func longPassphrase() {
        let passphrase = "the quick brown fox jumps over 13 lazy dogs; then naps all day!!"
        #expect(passphrase.count == 64)
        #expect(policy.check(passphrase, identifiers: ["fox", "ada@example.com"]) == nil)
    }

    @Test("any characters, no composition rules")
    func anyCharacters() {
        #expect(policy.check("alllowercaseletters") == nil)
        #expect(policy.check("天王盖地虎宝塔镇河妖") == nil)
        #expect(policy.check("🔑🔑🔑🔒🔒🔒🗝️🗝️") == nil)
        #expect(policy.check("tab\tand\nnewline") == nil)
    }

    @Test(
        "common passwords are refused whatever their case",
        arguments: [
            "password", "Password1", "PASSWORD123", "12345678", "qwertyuiop", "1qaz2wsx", "woaini1314",
            "5201314520", "iloveyou", "Iloveyou1", "zhangwei123", "aa123456", "88888888",
        ])
    func common(password: String) {
        #expect(policy.check(password) == .common)
    }

    @Test("the blocklist is loaded, lower-case, and long enough to matter")
    func blocklist() {
        let list = CommonPasswords.all
        #expect(list.count >= 1000)
        #expect(list.allSatisfy { $0 == $0.lowercased() && $0.unicodeScalars.count >= 8 })
        #expect(CommonPasswords.contains("WoAiNi1314"))
    }

    @Test("passwords made of the account's own identifiers are refused")
    func identifiers() {
        let identifiers = ["adalovelace", "Ada.Byron@Example.com", "+8613800138000"]
        #expect(policy.check("adalovelace", identifiers: identifiers) == .containsIdentifier)
        #expect(policy.check("AdaLovelace", identifiers: identifiers) == .containsIdentifier)
        #expect(policy.check("adalovelace1815", identifiers: identifiers) == .containsIdentifier)
        #expect(policy.check("ada.byron@example.com", identifiers: identifiers) == .containsIdentifier)
        #expect(policy.check("ada.byron!", identifiers: identifiers) == .containsIdentifier)
        #expect(policy.check("+8613800138000", identifiers: identifiers) == .containsIdentifier)
        #expect(policy.check("adalovelace wrote the first program", identifiers: identifiers) == nil)
        #expect(policy.check("a completely different one", identifiers: identifiers) == nil)
        #expect(policy.check("ada is short but fine", identifiers: ["ada"]) == nil)
        #expect(policy.check("some password here", identifiers: [""]) == nil)
    }

    @Test("every rejection has a code and a message")
    func messages() {
        let rejections: [PasswordRejection] = [
            .tooShort(minimum: 8), .tooLong(maximum: 128), .common, .containsIdentifier,
        ]
        #expect(Set(rejections.map(\.code)).count == 4)
        #expect(rejections.allSatisfy { !$0.message.isEmpty })
        #expect(PasswordRejection.tooShort(minimum: 8).message.contains("8"))
    }
}
