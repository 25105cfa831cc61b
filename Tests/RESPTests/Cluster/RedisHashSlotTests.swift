import NIOCore
import Testing

@testable import RESP

@Suite("Hash slots")
struct RedisHashSlotTests {
    @Test("CRC16 is the XMODEM variant of the cluster specification")
    func crc16() {
        // The check value the Redis Cluster specification gives for its CRC16.
        #expect(CRC16.checksum(Array("123456789".utf8)) == 0x31C3)
        #expect(CRC16.checksum([UInt8]()) == 0)
    }

    @Test("slots match CLUSTER KEYSLOT", arguments: [("123456789", 12739), ("foo", 12182), ("bar", 5061), ("hello", 866)])
    func slots(key: String, slot: Int) {
        #expect(RedisHashSlot(key: key).rawValue == slot)
        #expect(RedisHashSlot(key: ByteBuffer(string: key)).rawValue == slot)
    }

    @Test("only a non-empty hash tag is hashed, as in the specification's examples")
    func hashTags() {
        let user = RedisHashSlot(key: "user1000")
        #expect(RedisHashSlot(key: "{user1000}.following") == user)
        #expect(RedisHashSlot(key: "{user1000}.followers") == user)
        // The first { and the next } delimit the tag, even when it holds a {.
        #expect(RedisHashSlot(key: "foo{{bar}}zap").rawValue == 4015)
        #expect(RedisHashSlot(key: "foo{bar}{zap}") == RedisHashSlot(key: "bar"))
        // An empty tag, or no closing brace, hashes the whole key.
        #expect(RedisHashSlot(key: "foo{}{bar}") != RedisHashSlot(key: "bar"))
        #expect(String(decoding: RedisHashSlot.hashedPart(of: Array("foo{}{bar}".utf8)), as: UTF8.self) == "foo{}{bar}")
        #expect(String(decoding: RedisHashSlot.hashedPart(of: Array("foo{bar".utf8)), as: UTF8.self) == "foo{bar")
    }
}
