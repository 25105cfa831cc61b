import Crypto
import Testing
import TesseraCore
@testable import TesseraStores

/// The memory store's key: the 128 bits of a session id, and nothing for any other text.
@Suite struct PackedSessionIDTests {
    @Test func theIdsTokensMakeComeBackAsTheSameText() {
        let tokens = SessionTokens(serverKey: SymmetricKey(size: .bits256))
        let ids = (0..<200).map { _ in tokens.issue(forUserID: "ada").ref.id }
        let packed = ids.compactMap(PackedSessionID.init)
        #expect(packed.map(\.text) == ids)
        #expect(Set(packed).count == Set(ids).count)
    }

    @Test func everyDigitCountsInItsPlace() {
        let zero = String(repeating: "0", count: 32)
        let first = "f" + String(repeating: "0", count: 31)
        let last = String(repeating: "0", count: 31) + "f"
        let middle = String(repeating: "0", count: 16) + "1" + String(repeating: "0", count: 15)
        let keys = [zero, first, last, middle, "0123456789abcdef0123456789abcdef"].map { PackedSessionID($0) }
        #expect(Set(keys.compactMap { $0 }).count == 5)
        #expect(keys.map { $0?.text } == [zero, first, last, middle, "0123456789abcdef0123456789abcdef"])
    }

    @Test(arguments: [
        "", "not-an-id", String(repeating: "a", count: 31), String(repeating: "a", count: 33),
        "0123456789ABCDEF0123456789abcdef", "0123456789abcdef0123456789abcdeg", "0123456789abcdef 123456789abcdef",
        "0123456789abcdef0123456789abcd\u{E9}",
    ])
    func anyOtherTextIsNoID(_ text: String) {
        #expect(PackedSessionID(text) == nil)
    }
}
