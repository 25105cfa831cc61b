import RESP
import TesseraCore

/// The Lua scripts of the limit stores, loaded from the module's resources once, and the one
/// way those stores talk to Redis.
enum LimitScripts {
    static let gcra = BundledScript.load("gcra")
    static let loginFailure = BundledScript.load("login_failure")

    /// Runs `script`; a Redis that cannot answer becomes ``RateLimitStoreError/unavailable(_:)``.
    static func run(_ script: RedisScript, on client: RedisClient, keys: [String], arguments: [String]) async throws -> RESPValue {
        try await client.run(script, keys: keys, arguments: arguments, unavailable: RateLimitStoreError.unavailable)
    }

    /// Sends one command; a Redis that cannot answer becomes ``RateLimitStoreError/unavailable(_:)``.
    static func send(_ command: RedisCommand, on client: RedisClient) async throws -> RESPValue {
        try await client.send(command, unavailable: RateLimitStoreError.unavailable)
    }
}
