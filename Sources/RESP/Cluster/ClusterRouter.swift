import Logging
import NIOCore
import Synchronization

/// Sends each command to the primary that serves its keys' slot, with a connection pool per node.
///
/// The slot map comes from `CLUSTER SHARDS` (or `CLUSTER SLOTS`) and is reloaded when a node answers
/// `MOVED`. `ASK` sends the one command to the migration target after `ASKING`. A node that refuses
/// connections, or a cluster answering `TRYAGAIN` or `CLUSTERDOWN`, makes the router reload the map
/// and try again after 100, 200, 400 ms…, at most ``maximumAttempts`` times in all: enough to ride
/// out a `MOVED` storm, short enough that a caller learns of an outage within about 1.5 s. A command
/// whose connection failed before sending it is tried again on a fresh one; one whose connection
/// broke after it was written is not retried, since it may have run.
final class ClusterRouter: Sendable {
    static let maximumAttempts = 5

    private struct State {
        var topology: ClusterTopology
        var pools: [RedisEndpoint: ConnectionPool]
        var subscriberLinks: [RedisHashSlot: SubscriberLink] = [:]
        var refresh: Task<Void, any Error>?
        var isClosed = false
    }

    private let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>

    init(
        configuration: RedisConfiguration,
        topology: ClusterTopology,
        seedPool: ConnectionPool,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        let seed = RedisEndpoint(host: configuration.host, port: configuration.port)
        self.state = Mutex(State(topology: topology, pools: [seed: seedPool]))
    }

    nonisolated(nonsending) func send(_ command: RedisCommand, timeout: Duration, on loop: any EventLoop) async throws -> RESPValue {
        try await self.route(command, on: loop) { connection, _, asking in
            asking ? try await connection.sendAsking(command, timeout: timeout) : try await connection.submit(command, timeout: timeout)
        }
    }

    /// `command` followed by `WAIT` on the same connection, unless the primary has no replica.
    nonisolated(nonsending) func send(
        _ command: RedisCommand,
        acknowledgedBy replicas: Int,
        within timeout: Duration,
        on loop: any EventLoop
    ) async throws -> (reply: RESPValue, acknowledgements: Int?) {
        let commandTimeout = self.configuration.commandTimeout
        return try await self.route(command, on: loop) { connection, node, asking in
            guard self.state.withLock({ $0.topology.replicas(of: node) }) > 0 else {
                let reply = asking
                    ? try await connection.sendAsking(command, timeout: commandTimeout)
                    : try await connection.submit(command, timeout: commandTimeout)
                return (reply, nil)
            }
            return try await RedisClient.sendWaiting(
                command, replicas: replicas, within: timeout, asking: asking, on: connection, commandTimeout: commandTimeout
            )
        }
    }

    /// Finds the node for `command` and runs `exchange` on a connection to it (with `asking` set
    /// after an `ASK`), following redirections and retrying as the type's documentation says.
    nonisolated(nonsending) private func route<Result>(
        _ command: RedisCommand,
        on loop: any EventLoop,
        _ exchange: (RedisConnection, RedisEndpoint, _ asking: Bool) async throws -> Result
    ) async throws -> Result {
        let slot = try CommandKeys.slot(of: command)
        var redirect: ClusterRedirection?
        var attempt = 0
        while true {
            attempt += 1
            let node = redirect?.endpoint ?? self.node(serving: slot)
            let connection: RedisConnection
            do {
                connection = try await self.pool(for: node).connection(on: loop)
            } catch RedisClientError.connectionUnavailable(let reason) {
                // Nothing was sent, so trying again is safe: a replica may be taking over the node's slots.
                guard attempt < Self.maximumAttempts else { throw RedisClientError.connectionUnavailable(reason) }
                try await self.backOff(attempt)
                redirect = nil
                continue
            }
            do {
                return try await exchange(connection, node, redirect?.kind == .ask)
            } catch let unsent as UnsentCommand {
                // The connection had failed before the command left it: a fresh one may carry it.
                guard attempt < Self.maximumAttempts else { throw unsent.cause }
            } catch RedisClientError.server(let message) where attempt < Self.maximumAttempts {
                if let next = ClusterRedirection(errorMessage: message, answeredBy: node) {
                    if next.kind == .moved {
                        self.state.withLock { $0.topology.assign(next.slot, to: next.endpoint) }
                        self.refreshInBackground()
                    }
                    redirect = next
                    continue
                }
                guard message.hasPrefix("TRYAGAIN") || message.hasPrefix("CLUSTERDOWN") else {
                    throw RedisClientError.server(message)
                }
                try await self.backOff(attempt)
                redirect = nil
            }
        }
    }

    /// Every primary serving slots, as the router knows them.
    var nodes: [RedisEndpoint] {
        self.state.withLock { $0.topology.nodes }
    }

    /// The primary of `slot`; for a command without keys, any primary.
    func node(serving slot: RedisHashSlot?) -> RedisEndpoint {
        self.state.withLock { state in
            if let slot, let node = state.topology.primary(of: slot) { return node }
            return state.topology.nodes.first ?? RedisEndpoint(host: self.configuration.host, port: self.configuration.port)
        }
    }

    func pool(for node: RedisEndpoint) throws -> ConnectionPool {
        try self.state.withLock { state in
            guard !state.isClosed else { throw RedisClientError.closed }
            if let pool = state.pools[node] { return pool }
            var configuration = self.configuration
            configuration.host = node.host
            configuration.port = node.port
            let pool = ConnectionPool(configuration: configuration, logger: self.logger)
            state.pools[node] = pool
            return pool
        }
    }

    private func backOff(_ attempt: Int) async throws {
        try? await self.refresh()
        try await Task.sleep(for: .milliseconds(100 << min(attempt - 1, 4)))
    }

    private func refreshInBackground() {
        Task { try? await self.refresh() }
    }

    /// Reloads the slot map from the first node that answers; concurrent callers share one reload.
    func refresh() async throws {
        let task: Task<Void, any Error> = self.state.withLock { state in
            if let running = state.refresh { return running }
            let task = Task {
                defer { self.state.withLock { $0.refresh = nil } }
                try await self.reload()
            }
            state.refresh = task
            return task
        }
        try await task.value
    }

    private func reload() async throws {
        let candidates = self.state.withLock { state in
            var seen = Set<RedisEndpoint>()
            return (state.topology.nodes + self.configuration.seeds).filter { seen.insert($0).inserted }
        }
        var failure: any Error = RedisClientError.connectionUnavailable("no cluster node is reachable")
        for node in candidates {
            do {
                let connection = try await self.pool(for: node).connection(on: self.eventLoopGroup.any())
                let timeout = self.configuration.commandTimeout
                let tls = self.configuration.tls != nil
                guard let topology = try await Self.discover(node: node, tls: tls, { try await connection.send($0, timeout: timeout) }) else {
                    continue
                }
                self.state.withLock { $0.topology = topology }
                self.logger.debug("Redis cluster slot map loaded", metadata: ["redis.nodes": "\(topology.nodes.count)"])
                return
            } catch {
                failure = error
            }
        }
        throw failure
    }

    /// The slot map `node` reports, or `nil` when it is not part of a cluster; with `tls`, the
    /// nodes' TLS ports.
    static func discover(
        node: RedisEndpoint,
        tls: Bool = false,
        _ send: (RedisCommand) async throws -> RESPValue
    ) async throws -> ClusterTopology? {
        do {
            return try ClusterTopology(shards: try await send(RedisCommand(["CLUSTER", "SHARDS"])), answeredBy: node, tls: tls)
        } catch RedisClientError.server(let message) where message.contains("cluster support disabled") {
            return nil
        } catch RedisClientError.server {
            // Before Redis 7 there is no CLUSTER SHARDS.
        }
        do {
            return try ClusterTopology(slots: try await send(RedisCommand(["CLUSTER", "SLOTS"])), answeredBy: node)
        } catch RedisClientError.server {
            return nil
        }
    }

    /// The subscriber connection for channels hashing to `slot`, which follows the slot to
    /// whichever primary serves it when it reconnects.
    func subscriberLink(for slot: RedisHashSlot) throws -> SubscriberLink {
        try self.state.withLock { state in
            guard !state.isClosed else { throw RedisClientError.closed }
            if let link = state.subscriberLinks[slot] { return link }
            let link = SubscriberLink(
                configuration: self.configuration,
                eventLoop: self.eventLoopGroup.next(),
                sharded: true,
                logger: self.logger
            ) { [weak self] afterFailure in
                guard let self else { throw RedisClientError.closed }
                if afterFailure { try? await self.refresh() }
                var configuration = self.configuration
                let node = self.node(serving: slot)
                configuration.host = node.host
                configuration.port = node.port
                return configuration
            }
            state.subscriberLinks[slot] = link
            return link
        }
    }

    func close() async {
        let (pools, links) = self.state.withLock { state in
            state.isClosed = true
            return (Array(state.pools.values), Array(state.subscriberLinks.values))
        }
        for link in links { link.close() }
        for pool in pools { await pool.close() }
    }

    func closeWithoutWaiting() {
        let (pools, links) = self.state.withLock { state in
            state.isClosed = true
            return (Array(state.pools.values), Array(state.subscriberLinks.values))
        }
        for link in links { link.close() }
        for pool in pools { pool.closeWithoutWaiting() }
    }
}
