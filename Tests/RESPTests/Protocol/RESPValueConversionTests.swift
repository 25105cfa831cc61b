import NIOCore
import Testing

import RESP

@Suite("RESP value conversions")
struct RESPValueConversionTests {
    @Test("strings come from simple, bulk and verbatim strings only")
    func strings() {
        #expect(RESPValue.simpleString("OK").string == "OK")
        #expect(RESPValue.bulkString(ByteBuffer(string: "héllo")).string == "héllo")
        #expect(RESPValue.verbatimString(format: "txt", text: ByteBuffer(string: "doc")).string == "doc")
        #expect(RESPValue.integer(1).string == nil)
        #expect(RESPValue.null.string == nil)
    }

    @Test("numbers read the same under RESP2 and RESP3")
    func numbers() {
        #expect(RESPValue.integer(7).int == 7)
        #expect(RESPValue.bulkString(ByteBuffer(string: "-12")).int == -12)
        #expect(RESPValue.bulkString(ByteBuffer(string: "1.5")).int == nil)
        #expect(RESPValue.double(2.5).double == 2.5)
        #expect(RESPValue.bulkString(ByteBuffer(string: "2.5")).double == 2.5)
        #expect(RESPValue.boolean(true).bool == true)
        #expect(RESPValue.integer(0).bool == false)
        #expect(RESPValue.integer(2).bool == nil)
    }

    @Test("maps read the same as a RESP3 map and as a RESP2 flat array")
    func maps() throws {
        let resp3 = RESPValue.map([(key: .simpleString("a"), value: .integer(1))])
        let resp2 = RESPValue.array([.bulkString(ByteBuffer(string: "a")), .integer(1)])
        #expect(try #require(resp3.map).map { $0.key.string } == ["a"])
        #expect(try #require(resp2.map).map { $0.key.string } == ["a"])
        #expect(try #require(resp2.map).map { $0.value } == [.integer(1)])
        #expect(RESPValue.array([.integer(1)]).map == nil)
    }

    @Test("arrays, sets and pushes expose their elements")
    func aggregates() {
        #expect(RESPValue.set([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.push([.integer(1)]).array == [.integer(1)])
        #expect(RESPValue.null.array == nil)
        #expect(RESPValue.null.isNull)
        #expect(!RESPValue.array([]).isNull)
        #expect(RESPValue.bulkError("SYNTAX x").errorMessage == "SYNTAX x")
    }

    @Test("maps compare pairwise and in order")
    func mapEquality() {
        let ab = RESPValue.map([(key: .integer(1), value: .integer(2)), (key: .integer(3), value: .integer(4))])
        let ba = RESPValue.map([(key: .integer(3), value: .integer(4)), (key: .integer(1), value: .integer(2))])
        #expect(ab == ab)
        #expect(ab != ba)
        #expect(ab != .array([.integer(1), .integer(2), .integer(3), .integer(4)]))
    }
}
