import Foundation
import RESP
import TesseraCore

/// The Lua scripts of the limit stores, loaded from the module's resources once, and the one
/// way those stores talk to Redis.
enum LimitScripts {
    static let gcra = load("gcra")
    static let loginFailure = load("login_failure")

    /// Runs `script`; a Redis that cannot answer becomes ``RateLimitStoreError/unavailable(_:)``.
    static func run(_ script: RedisScript, on client: RedisClient, keys: [String], arguments: [String]) async throws -> RESPValue {
        try await translatingErrors { try await client.run(script, keys: keys, arguments: arguments) }
    }

    /// Sends one command; a Redis that cannot answer becomes ``RateLimitStoreError/unavailable(_:)``.
    static func send(_ command: RedisCommand, on client: RedisClient) async throws -> RESPValue {
        try await translatingErrors { try await client.send(command) }
    }

    private static func translatingErrors(_ body: () async throws -> RESPValue) async throws -> RESPValue {
        do {
            return try await body()
        } catch let error as RedisClientError {
            throw RateLimitStoreError.unavailable(error.description)
        }
    }

    private static func load(_ name: String) -> RedisScript {
        guard let url = Bundle.module.url(forResource: name, withExtension: "lua", subdirectory: "Scripts"),
              let source = try? String(contentsOf: url, encoding: .utf8)
        else { fatalError("missing bundled script \(name).lua") }
        return RedisScript(source)
    }
}
