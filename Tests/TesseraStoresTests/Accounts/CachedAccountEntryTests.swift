import Foundation
import Testing
import TesseraCore
@testable import TesseraStores

/// The account cache's entry reads back exactly what was kept, minus the password hash,
/// and anything it did not write is a miss.
@Suite struct CachedAccountEntryTests {
    static let accounts: [User] = [
        User(
            id: "k3q7", username: "ada", email: "ada@example.com", phone: "+8613800000000", emailVerified: true,
            phoneVerified: false, passwordHash: "$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA", roles: ["support", "admin", "r-1_x"],
            status: .active, createdAt: Date(timeIntervalSinceReferenceDate: 817_000_000.123456),
            updatedAt: Date(timeIntervalSinceReferenceDate: 817_000_001.000001)),
        User(
            id: "only-phone", username: nil, email: nil, phone: "+15550000000", phoneVerified: true, passwordHash: nil,
            status: .disabled(until: nil, reason: nil), createdAt: Date(timeIntervalSinceReferenceDate: 0),
            updatedAt: Date(timeIntervalSinceReferenceDate: -1.5)),
        User(
            id: "banned", username: "名前 with spaces", email: nil, phone: nil, passwordHash: nil,
            roles: (0..<12).map { "role\($0)" },
            status: .disabled(until: Date(timeIntervalSinceReferenceDate: 900_000_000.25), reason: "spam,\n\"quoted\" 理由"),
            createdAt: Date(timeIntervalSinceReferenceDate: 1e9 / 3), updatedAt: Date(timeIntervalSinceReferenceDate: 1e9 / 7)),
    ]

    @Test(arguments: accounts)
    func readsBackWhatWasKeptWithoutThePasswordHash(_ user: User) {
        let fields = CachedAccountEntry.fields(of: user)
        #expect(!fields.contains { $0.contains("scrypt") })
        #expect(CachedAccountEntry.user(from: fields) == user.withoutPasswordHash)
        // HGETALL may answer the fields in any order; roles keep theirs.
        let pairs = stride(from: 0, to: fields.count, by: 2).map { [fields[$0], fields[$0 + 1]] }
        #expect(CachedAccountEntry.user(from: pairs.reversed().flatMap { $0 }) == user.withoutPasswordHash)
    }

    @Test func whatItDidNotWriteIsAMiss() {
        let fields = CachedAccountEntry.fields(of: Self.accounts[0])
        #expect(CachedAccountEntry.user(from: [String]()) == nil)
        #expect(CachedAccountEntry.user(from: Array(fields.dropLast())) == nil)
        for required in ["v", "id", "c", "u", "ev", "pv", "st"] {
            let index = stride(from: 0, to: fields.count, by: 2).first { fields[$0] == required }!
            var without = fields
            without.removeSubrange(index...index + 1)
            #expect(CachedAccountEntry.user(from: without) == nil, "without \(required)")
        }
        var otherVersion = fields
        otherVersion[1] = "2"
        #expect(CachedAccountEntry.user(from: otherVersion) == nil)
        var badDate = fields
        badDate[badDate.count - 1] = "yesterday"
        #expect(CachedAccountEntry.user(from: badDate) == nil)
        #expect(CachedAccountEntry.user(from: fields.map { Optional($0) } + [nil, "x"]) == nil)
    }
}
