import Foundation
import RESP
import TesseraCore

/// The Lua scripts of the code store, loaded from the module's resources once, and the one
/// way that store talks to Redis.
enum CodeScripts {
    static let issue = load("issue_code")
    static let redeem = load("redeem_code")

    /// Runs `script`; a Redis that cannot answer becomes ``CodeStoreError/unavailable(_:)``.
    static func run(_ script: RedisScript, on client: RedisClient, keys: [String], arguments: [String]) async throws -> RESPValue {
        try await translatingErrors { try await client.run(script, keys: keys, arguments: arguments) }
    }

    /// Sends one command; a Redis that cannot answer becomes ``CodeStoreError/unavailable(_:)``.
    static func send(_ command: RedisCommand, on client: RedisClient) async throws -> RESPValue {
        try await translatingErrors { try await client.send(command) }
    }

    private static func translatingErrors(_ body: () async throws -> RESPValue) async throws -> RESPValue {
        do {
            return try await body()
        } catch let error as RedisClientError {
            throw CodeStoreError.unavailable(error.description)
        }
    }

    private static func load(_ name: String) -> RedisScript {
        guard let url = Bundle.module.url(forResource: name, withExtension: "lua", subdirectory: "Scripts"),
              let source = try? String(contentsOf: url, encoding: .utf8)
        else { fatalError("missing bundled script \(name).lua") }
        return RedisScript(source)
    }
}
