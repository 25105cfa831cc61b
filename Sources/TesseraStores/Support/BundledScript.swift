import Foundation
import RESP

/// The Lua scripts that ship in this module's `Scripts` folder, each loaded once by the
/// store that runs it (the header comment of each file states its keys, arguments and reply).
///
/// Redis scripts cannot load one another, so helpers several scripts share live in a file of
/// their own, and a script names it in a line `-- include: <name>`; its text is put before
/// the script's (once, however often it is named).
///
/// ```swift
/// static let redeem = BundledScript.load("redeem_code")
/// ```
enum BundledScript {
    static func load(_ name: String) -> RedisScript {
        RedisScript(source(name))
    }

    /// The script's text with what it includes before it.
    static func source(_ name: String) -> String {
        let text = file(name)
        var included: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where line.hasPrefix(includePrefix) {
            let library = line.dropFirst(includePrefix.count).trimmingCharacters(in: .whitespaces)
            if !included.contains(library) { included.append(library) }
        }
        return (included.map(file) + [text]).joined(separator: "\n")
    }

    private static let includePrefix = "-- include: "

    private static func file(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "lua", subdirectory: "Scripts"),
              let source = try? String(contentsOf: url, encoding: .utf8)
        else { fatalError("missing bundled script \(name).lua") }
        return source
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

    /// How long a revocation waits for a replica to confirm it.
    static let replicaAcknowledgementTimeout = Duration.seconds(1)

    /// Runs a script that revokes something (a session, a cached account), and returns only
    /// once a replica has its writes (`WAIT 1`), so that a failover right after cannot promote
    /// a replica that would bring the revoked thing back. A primary without replicas (a lone
    /// Redis) has nobody to wait for; a primary whose replicas do not answer in time is
    /// `unavailable`, since the revocation could still be lost.
    func runAcknowledged(
        _ script: RedisScript, keys: [String], arguments: [String], unavailable: (String) -> any Error
    ) async throws -> RESPValue {
        try await acknowledged(unavailable) {
            try await run(script, keys: keys, arguments: arguments, acknowledgedBy: 1, within: Self.replicaAcknowledgementTimeout)
        }
    }

    private func acknowledged(
        _ unavailable: (String) -> any Error, _ write: () async throws -> (reply: RESPValue, acknowledgements: Int?)
    ) async throws -> RESPValue {
        let (reply, acknowledgements): (RESPValue, Int?)
        do {
            (reply, acknowledgements) = try await write()
        } catch let error as RedisClientError {
            throw unavailable(error.description)
        }
        if let acknowledgements, acknowledgements < 1 {
            throw unavailable("no replica acknowledged the write within \(Self.replicaAcknowledgementTimeout)")
        }
        return reply
    }
}
