import RESP
import TesseraCore

/// The Lua scripts of the code store, loaded from the module's resources once, and the one
/// way that store talks to Redis.
enum CodeScripts {
    static let issue = BundledScript.load("issue_code")
    static let redeem = BundledScript.load("redeem_code")

    /// Runs `script`; a Redis that cannot answer becomes ``CodeStoreError/unavailable(_:)``.
    static func run(_ script: RedisScript, on client: RedisClient, keys: [String], arguments: [String]) async throws -> RESPValue {
        try await client.run(script, keys: keys, arguments: arguments, unavailable: CodeStoreError.unavailable)
    }

    /// Sends one command; a Redis that cannot answer becomes ``CodeStoreError/unavailable(_:)``.
    static func send(_ command: RedisCommand, on client: RedisClient) async throws -> RESPValue {
        try await client.send(command, unavailable: CodeStoreError.unavailable)
    }
}
