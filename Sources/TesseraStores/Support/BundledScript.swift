import Foundation
import RESP

/// The Lua scripts that ship in this module's `Scripts` folder, each loaded once by the
/// store that runs it (the header comment of each file states its keys, arguments and reply).
///
/// ```swift
/// static let redeem = BundledScript.load("redeem_code")
/// ```
enum BundledScript {
    static func load(_ name: String) -> RedisScript {
        guard let url = Bundle.module.url(forResource: name, withExtension: "lua", subdirectory: "Scripts"),
              let source = try? String(contentsOf: url, encoding: .utf8)
        else { fatalError("missing bundled script \(name).lua") }
        return RedisScript(source)
    }
}

extension RedisClient {
    /// Runs `script`; a Redis that cannot answer becomes the store's own `unavailable`
    /// error, so that every store fails closed the same way.
    func run(
        _ script: RedisScript, keys: [String], arguments: [String], unavailable: (String) -> any Error
    ) async throws -> RESPValue {
        do {
            return try await run(script, keys: keys, arguments: arguments)
        } catch let error as RedisClientError {
            throw unavailable(error.description)
        }
    }

    /// Sends one command, with the same translation as ``run(_:keys:arguments:unavailable:)``.
    func send(_ command: RedisCommand, unavailable: (String) -> any Error) async throws -> RESPValue {
        do {
            return try await send(command)
        } catch let error as RedisClientError {
            throw unavailable(error.description)
        }
    }
}
