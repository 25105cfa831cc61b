import Crypto
import Foundation
import Testing
import TesseraCore

@Suite struct SessionTokensTests {
    let tokens = SessionTokens(serverKey: SymmetricKey(size: .bits256))

    @Test func issuedTokenParsesToItsRef() throws {
        let issued = tokens.issue(forUserID: "u1")
        let ref = try #require(tokens.parse(issued.token))
        #expect(ref == issued.ref)
        #expect(ref.tag == tokens.tag(forUserID: "u1"))
        #expect(ref.id == SessionTokens.sessionID(of: issued.token))
        #expect(ref.id.count == 32)
    }

    @Test func tokensAreUniqueAndDoNotContainTheUserID() {
        let a = tokens.issue(forUserID: "alice-id").token
        let b = tokens.issue(forUserID: "alice-id").token
        #expect(a != b)
        #expect(!a.contains("alice"))
    }

    @Test func everySingleCharacterChangeIsRefused() {
        let token = tokens.issue(forUserID: "u1").token
        var characters = Array(token)
        for index in characters.indices {
            let original = characters[index]
            characters[index] = original == "A" ? "B" : "A"
            #expect(tokens.parse(String(characters)) == nil, "changed position \(index)")
            characters[index] = original
        }
    }

    @Test func aTokenOfAnotherServerKeyIsRefused() {
        let other = SessionTokens(serverKey: SymmetricKey(size: .bits256))
        #expect(tokens.parse(other.issue(forUserID: "u1").token) == nil)
    }

    @Test(arguments: ["", "ts1", "ts1...", "ts1.abc.def.ghi", String(repeating: "a", count: 5000), "ts1.000000000000.\(String(repeating: "A", count: 43)).\(String(repeating: "A", count: 22))", "Bearer x", "ts1.ZZZZZZZZZZZZ.x.y", "\u{0}\u{1}\u{2}"])
    func malformedTokensAreRefused(_ token: String) {
        #expect(tokens.parse(token) == nil)
    }

    @Test func randomBytesNeverParse() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 0...200, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(tokens.parse(String(decoding: bytes, as: UTF8.self)) == nil)
        }
    }

    @Test func tagIsStablePerUserAndDiffersBetweenUsers() {
        #expect(tokens.tag(forUserID: "u1") == tokens.tag(forUserID: "u1"))
        #expect(tokens.tag(forUserID: "u1") != tokens.tag(forUserID: "u2"))
        #expect(tokens.tag(forUserID: "u1").count == 12)
    }
}
