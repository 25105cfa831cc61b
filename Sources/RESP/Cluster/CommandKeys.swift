import NIOCore

/// Which arguments of a command are keys, so that a cluster client knows where to send it.
///
/// Most commands take their key first (`GET key`, `HSET key …`, `SPUBLISH channel …`); the others
/// are listed here. A command that names no key goes to any primary.
enum CommandKeys {
    private static let keyless: Set<String> = [
        "ACL", "ASKING", "AUTH", "BGREWRITEAOF", "BGSAVE", "CLIENT", "CLUSTER", "COMMAND", "CONFIG",
        "DBSIZE", "DEBUG", "DISCARD", "ECHO", "EXEC", "FAILOVER", "FLUSHALL", "FLUSHDB", "FUNCTION",
        "HELLO", "INFO", "KEYS", "LASTSAVE", "LATENCY", "LOLWUT", "MODULE", "MONITOR", "MULTI", "PING",
        "PUBLISH", "PUBSUB", "QUIT", "RANDOMKEY", "READONLY", "READWRITE", "REPLICAOF", "RESET", "ROLE",
        "SAVE", "SCAN", "SCRIPT", "SELECT", "SHUTDOWN", "SLAVEOF", "SLOWLOG", "SWAPDB", "TIME", "UNWATCH",
        "WAIT",
    ]
    private static let everyArgument: Set<String> = [
        "DEL", "EXISTS", "MGET", "PFCOUNT", "PFMERGE", "SDIFF", "SDIFFSTORE", "SINTER", "SINTERSTORE",
        "SUNION", "SUNIONSTORE", "TOUCH", "UNLINK", "WATCH",
    ]
    private static let firstTwo: Set<String> = ["BLMOVE", "COPY", "LMOVE", "RENAME", "RENAMENX", "RPOPLPUSH", "SMOVE"]
    private static let allButLast: Set<String> = ["BLPOP", "BRPOP", "BRPOPLPUSH", "BZPOPMAX", "BZPOPMIN"]
    private static let counted: Set<String> = ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"]

    /// The positions of the keys in `arguments` (the command name at 0).
    static func positions(in arguments: [ByteBuffer]) -> [Int] {
        let count = arguments.count
        guard count > 1 else { return [] }
        let name = String(buffer: arguments[0]).uppercased()
        if Self.keyless.contains(name) { return [] }
        if Self.everyArgument.contains(name) { return Array(1..<count) }
        if Self.firstTwo.contains(name) { return Array(1..<min(3, count)) }
        if Self.allButLast.contains(name) { return Array(1..<max(1, count - 1)) }
        if Self.counted.contains(name) {
            guard count > 2, let keys = Int(String(buffer: arguments[2])), keys > 0 else { return [] }
            return Array(3..<min(3 + keys, count))
        }
        switch name {
        case "MSET", "MSETNX":
            return Array(stride(from: 1, to: count, by: 2))
        case "OBJECT", "MEMORY":
            return count > 2 ? [2] : []
        case "XREAD", "XREADGROUP":
            guard let streams = arguments.firstIndex(where: { String(buffer: $0).uppercased() == "STREAMS" }) else { return [] }
            let rest = count - streams - 1
            return Array((streams + 1)..<(streams + 1 + rest / 2))
        default:
            return [1]
        }
    }

    /// The slot every key of `command` hashes to, or `nil` when it names no key.
    ///
    /// - Throws: ``RedisClientError/crossSlot(_:)`` when its keys hash to different slots, which a
    ///   cluster would refuse anyway after a round trip.
    static func slot(of command: RedisCommand) throws -> RedisHashSlot? {
        // Read once: a command given as strings makes its bytes on each read of `arguments`.
        let arguments = command.arguments
        var slot: RedisHashSlot?
        for position in Self.positions(in: arguments) {
            let next = RedisHashSlot(key: arguments[position])
            if let slot, slot != next { throw RedisClientError.crossSlot(command.name) }
            slot = next
        }
        return slot
    }
}
