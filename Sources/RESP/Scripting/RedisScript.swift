/// A Lua script, called by its SHA-1 digest and sent in full only when the server does not have it.
///
/// Create scripts once (as constants) and run them through ``RedisClient/run(_:keys:arguments:)``:
///
/// ```swift
/// static let renew = RedisScript("""
///     if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
///     return redis.call('PEXPIRE', KEYS[1], ARGV[1])
///     """)
///
/// let renewed = try await client.run(Self.renew, keys: ["session:abc"], arguments: ["1800000"])
/// ```
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// The name Redis gives the script: the SHA-1 digest of its source in lowercase hex, as
    /// `SCRIPT LOAD` returns it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(of: source.utf8)
    }
}
