import Foundation
import Testing
import TesseraCore
@testable import TesseraStores

/// The memory store's records stay findable, each with its own fields, whatever is removed.
@Suite struct MemorySessionTableTests {
    static func id(_ number: Int) -> PackedSessionID {
        PackedSessionID(String(repeating: "0", count: 24) + String(format: "%08x", number))!
    }

    static func record(_ number: Int, strings: inout InternedStrings) -> MemorySessionRecord {
        let session = Session(
            id: id(number).text, userID: "user-\(number)", device: "web", deviceName: nil, ip: nil, userAgent: nil,
            createdAt: Date(timeIntervalSinceReferenceDate: Double(number)),
            lastSeenAt: Date(timeIntervalSinceReferenceDate: Double(number)),
            absoluteExpiresAt: Date(timeIntervalSinceReferenceDate: 1e6), idleTimeout: .seconds(60))
        return MemorySessionRecord(session, id: id(number), strings: &strings)
    }

    @Test func removingAnyRecordLeavesEveryOtherOneFindable() {
        var strings = InternedStrings()
        var table = MemorySessionTable()
        for number in 0..<10 { table.insert(Self.record(number, strings: &strings)) }
        // The first, one in the middle and the last: the last record moves each time but one.
        for removed in [0, 5, 9, 3] {
            #expect(table.remove(Self.id(removed))?.userID == "user-\(removed)")
            #expect(table[Self.id(removed)] == nil)
            #expect(table.remove(Self.id(removed)) == nil)
        }
        #expect(table.count == 6)
        for number in [1, 2, 4, 6, 7, 8] {
            #expect(table[Self.id(number)]?.userID == "user-\(number)")
            #expect(table[Self.id(number)]?.createdAt == Date(timeIntervalSinceReferenceDate: Double(number)))
        }
        table.insert(Self.record(5, strings: &strings))
        #expect(table[Self.id(5)]?.userID == "user-5")
        #expect(table.count == 7)
    }

    @Test func anUpdateChangesTheNamedRecordOnlyAfterOthersMoved() {
        var strings = InternedStrings()
        var table = MemorySessionTable()
        for number in 0..<4 { table.insert(Self.record(number, strings: &strings)) }
        _ = table.remove(Self.id(1))
        table.update(Self.id(3)) { $0.data["theme"] = "dark" }
        table.update(Self.id(1)) { $0.data["ghost"] = "1" }
        #expect(table[Self.id(3)]?.data == ["theme": "dark"])
        #expect(table[Self.id(0)]?.data == [:])
        #expect(table[Self.id(2)]?.data == [:])
        #expect(table[Self.id(1)] == nil)
        #expect(Set(table.ids { !$0.data.isEmpty }) == [Self.id(3)])
    }
}
