import Foundation
import RESP
import TesseraSSO

/// The Lua scripts of the SSO stores, loaded from the module's resources once, and the one
/// way those stores talk to Redis.
enum SSOScripts {
    static let takeTicket = load("take_ticket")
    static let registerLogout = load("register_logout")
    static let queueLogouts = load("queue_logouts")
    static let claimLogouts = load("claim_logouts")
    static let completeLogout = load("complete_logout")

    /// Runs `script`; a Redis that cannot answer becomes ``SSOStoreError/unavailable(_:)``.
    static func run(_ script: RedisScript, on client: RedisClient, keys: [String], arguments: [String]) async throws -> RESPValue {
        try await translatingErrors { try await client.run(script, keys: keys, arguments: arguments) }
    }

    static func send(_ command: RedisCommand, on client: RedisClient) async throws -> RESPValue {
        try await translatingErrors { try await client.send(command) }
    }

    private static func translatingErrors(_ body: () async throws -> RESPValue) async throws -> RESPValue {
        do {
            return try await body()
        } catch let error as RedisClientError {
            throw SSOStoreError.unavailable(error.description)
        }
    }

    private static func load(_ name: String) -> RedisScript {
        guard let url = Bundle.module.url(forResource: name, withExtension: "lua", subdirectory: "Scripts"),
              let source = try? String(contentsOf: url, encoding: .utf8)
        else { fatalError("missing bundled script \(name).lua") }
        return RedisScript(source)
    }
}
