import RESP
import TesseraSSO

/// The Lua scripts of the SSO stores, loaded from the module's resources once, and the one
/// way those stores talk to Redis.
enum SSOScripts {
    static let takeTicket = BundledScript.load("take_ticket")
    static let registerLogout = BundledScript.load("register_logout")
    static let queueLogouts = BundledScript.load("queue_logouts")
    static let claimLogouts = BundledScript.load("claim_logouts")
    static let completeLogout = BundledScript.load("complete_logout")

    /// Runs `script`; a Redis that cannot answer becomes ``SSOStoreError/unavailable(_:)``.
    static func run(_ script: RedisScript, on client: RedisClient, keys: [String], arguments: [String]) async throws -> RESPValue {
        try await client.run(script, keys: keys, arguments: arguments, unavailable: SSOStoreError.unavailable)
    }

    /// Sends one command; a Redis that cannot answer becomes ``SSOStoreError/unavailable(_:)``.
    static func send(_ command: RedisCommand, on client: RedisClient) async throws -> RESPValue {
        try await client.send(command, unavailable: SSOStoreError.unavailable)
    }
}
