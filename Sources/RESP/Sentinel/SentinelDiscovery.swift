import Logging
import NIOCore

/// Finds the primary of a Sentinel-managed deployment the way the Sentinel client spec describes:
/// ask the sentinels in turn for `SENTINEL get-master-addr-by-name`, then connect to the address
/// the first one that knows it gives and ask that server for its `ROLE`, since a sentinel that has
/// not caught up with a failover names a server that is now a replica.
///
/// Each sentinel and each server named is given `connectTimeout` to connect and `commandTimeout`
/// to answer; connections are opened for the question and closed after it.
struct SentinelDiscovery: Sendable {
    /// What one run of discovery found.
    struct Found: Sendable {
        let primary: RedisEndpoint
        /// The sentinel that named it, to be asked first next time; `nil` when it was not asked.
        let sentinel: RedisEndpoint?
    }

    /// A run that found no primary. `isTransient` when some sentinel named a primary that could not
    /// be confirmed (down, or a replica): a failover is probably under way and asking again soon
    /// may succeed. When no sentinel could be asked, or none monitors the master name, asking again
    /// within a second will not help.
    struct Failure: Error {
        let error: RedisClientError
        let isTransient: Bool
    }

    /// The data nodes' configuration; its `sentinel` names the master and the sentinels' credentials.
    let configuration: RedisConfiguration
    let masterName: String
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    init(configuration: RedisConfiguration, sentinel: RedisSentinelConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.masterName = sentinel.masterName
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Asks `sentinels` in order until one names a server that says it is a master. `hint`, when
    /// given (the address a `+switch-master` announced), is checked before any sentinel is asked.
    func run(sentinels: [RedisEndpoint], hint: Found? = nil) async throws(Failure) -> Found {
        var reasons: [String] = []
        var checked: Set<RedisEndpoint> = []
        if let hint {
            checked.insert(hint.primary)
            switch await self.confirm(hint.primary) {
            case nil: return hint
            case let reason?: reasons.append("\(hint.primary), announced as the new primary, \(reason)")
            }
        }
        var named = !checked.isEmpty
        for sentinel in sentinels {
            let address: RedisEndpoint?
            do {
                address = try await self.ask(sentinel)
            } catch {
                reasons.append("sentinel \(sentinel): \(Self.describe(error))")
                continue
            }
            guard let address else {
                reasons.append("sentinel \(sentinel) monitors no master named '\(self.masterName)'")
                continue
            }
            named = true
            guard checked.insert(address).inserted else { continue }
            switch await self.confirm(address) {
            case nil:
                self.logger.debug("Redis primary found", metadata: ["redis.primary": "\(address)", "redis.sentinel": "\(sentinel)"])
                return Found(primary: address, sentinel: sentinel)
            case let reason?:
                reasons.append("\(address), named by sentinel \(sentinel), \(reason)")
            }
        }
        let summary = reasons.isEmpty ? "no sentinel is configured" : reasons.joined(separator: "; ")
        throw Failure(error: .connectionUnavailable("no primary found for '\(self.masterName)': \(summary)"), isTransient: named)
    }

    /// The address `sentinel` gives for the master, or `nil` when it monitors no master of that name.
    private func ask(_ sentinel: RedisEndpoint) async throws -> RedisEndpoint? {
        let reply = try await self.exchange(
            RedisCommand(["SENTINEL", "get-master-addr-by-name", self.masterName]),
            with: self.sentinelConfiguration(sentinel)
        )
        if reply.isNull { return nil }
        guard let parts = reply.array, parts.count == 2, let host = parts[0].string, !host.isEmpty,
            let port = parts[1].int, (1...65535).contains(port)
        else {
            throw RedisClientError.protocolError("SENTINEL get-master-addr-by-name answered with something other than an address")
        }
        return RedisEndpoint(host: host, port: port)
    }

    /// `nil` when `address` says it is a master; otherwise why it is not to be used, in words.
    private func confirm(_ address: RedisEndpoint) async -> String? {
        do {
            let role = try await self.exchange(RedisCommand(["ROLE"]), with: self.dataConfiguration(address))
            let name = role.array?.first?.string ?? "something unexpected"
            return name == "master" ? nil : "is a \(name == "slave" ? "replica" : name), not a master"
        } catch {
            return "cannot be used: \(Self.describe(error))"
        }
    }

    private func exchange(_ command: RedisCommand, with configuration: RedisConfiguration) async throws -> RESPValue {
        let connection = try await RedisConnection.connect(
            configuration: configuration,
            eventLoop: self.eventLoopGroup.any(),
            logger: self.logger
        )
        do {
            let reply = try await connection.send(command, timeout: configuration.commandTimeout)
            await connection.close()
            return reply
        } catch {
            await connection.close()
            throw error
        }
    }

    /// How to reach the data node at `address`: the client's own configuration, pointed there.
    func dataConfiguration(_ address: RedisEndpoint) -> RedisConfiguration {
        var configuration = self.configuration
        configuration.host = address.host
        configuration.port = address.port
        configuration.additionalSeeds = []
        configuration.sentinel = nil
        return configuration
    }

    /// How to reach `sentinel`: its own credentials, and no database, as sentinels have none.
    func sentinelConfiguration(_ sentinel: RedisEndpoint) -> RedisConfiguration {
        var configuration = self.dataConfiguration(sentinel)
        configuration.username = self.configuration.sentinel?.username
        configuration.password = self.configuration.sentinel?.password
        configuration.database = 0
        return configuration
    }

    /// An error as part of a longer message: the reason alone, without its type's prefix.
    static func describe(_ error: any Error) -> String {
        switch error {
        case RedisClientError.connectionUnavailable(let reason): reason
        case RedisClientError.timeout: "no answer within the command timeout"
        case RedisClientError.server(let message): message
        case let error as RedisClientError: error.description
        default: "\(error)"
        }
    }
}
