import Testing

@testable import RESP

@Suite("Keys of a command")
struct CommandKeysTests {
    @Test("keys are found where each command keeps them", arguments: [
        (["GET", "a"], [1]),
        (["HSET", "a", "f", "v"], [1]),
        (["PING"], []),
        (["CLUSTER", "SHARDS"], []),
        (["PUBLISH", "news", "hi"], []),
        (["SPUBLISH", "news", "hi"], [1]),
        (["DEL", "a", "b", "c"], [1, 2, 3]),
        (["MSET", "a", "1", "b", "2"], [1, 3]),
        (["RENAME", "a", "b"], [1, 2]),
        (["BLPOP", "a", "b", "5"], [1, 2]),
        (["EVALSHA", "abc", "2", "k1", "k2", "arg"], [3, 4]),
        (["EVAL", "return 1", "0", "arg"], []),
        (["OBJECT", "ENCODING", "a"], [2]),
        (["XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"], [4, 5]),
    ])
    func positions(command: [String], keys: [Int]) {
        #expect(CommandKeys.positions(in: RedisCommand(command).arguments) == keys)
    }

    @Test("keys sharing a hash tag route together; keys in different slots are refused before sending")
    func crossSlot() throws {
        let together = RedisCommand(["EVALSHA", "abc", "2", "{u:1}:sessions", "{u:1}:session:x"])
        #expect(try CommandKeys.slot(of: together) == RedisHashSlot(key: "u:1"))
        #expect(try CommandKeys.slot(of: RedisCommand(["PING"])) == nil)
        #expect(throws: RedisClientError.crossSlot("MGET")) {
            try CommandKeys.slot(of: RedisCommand(["MGET", "foo", "bar"]))
        }
    }
}
