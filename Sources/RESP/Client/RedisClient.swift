import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A Redis or Valkey client: pooled, pipelined connections that open on first use and reopen by
/// themselves after the server comes back.
///
/// Create one client per server for the life of the program and share it; call ``close()`` when
/// done. Commands from a task running on one of the group's event loops use that loop's
/// connection, so the reply is handled on the same thread; concurrent commands share a connection
/// and are pipelined on it.
///
/// ```swift
/// let client = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:6379"))
/// try await client.send("SET", "greeting", "hello", "EX", "60")
/// let greeting = try await client.send("GET", "greeting").string   // "hello"
/// await client.close()
/// ```
///
/// While the server is unreachable, commands fail at once with
/// ``RedisClientError/connectionUnavailable(_:)`` (a refused connect) or within `connectTimeout`.
/// A command is retried on another connection only when it never left the first one (a connection
/// the server closed while it sat idle); once written, it is never retried, as it may have run.
///
/// The same client speaks to a Redis Cluster: on first use it asks the server named whether it is
/// one (`CLUSTER SHARDS`), and if so routes every command to the primary serving its keys' slot,
/// following `MOVED` and `ASK` (see ``RedisHashSlot``). Keys of one command or script must then
/// share a slot, or the command fails with ``RedisClientError/crossSlot(_:)`` before it is sent.
///
/// With ``RedisConfiguration/sentinel`` set (a `redis+sentinel://` URL), it asks Redis Sentinel
/// for the primary and follows it through failovers (see ``RedisSentinelConfiguration``).
public final class RedisClient: Sendable {
    /// Learned on first use: a standalone server (or replica set), or a cluster; known from the
    /// configuration for a Sentinel-managed primary.
    enum Topology {
        case standalone
        case cluster(ClusterRouter)
        case sentinel(SentinelRouter)
    }

    public let configuration: RedisConfiguration
    let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    let pool: ConnectionPool
    let subscriberLink: SubscriberLink
    private let topology: Mutex<Topology?>

    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "resp")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.pool = ConnectionPool(configuration: configuration, logger: logger)
        self.subscriberLink = SubscriberLink(
            configuration: configuration,
            eventLoop: eventLoopGroup.next(),
            sharded: false,
            logger: logger
        )
        self.topology = Mutex(configuration.sentinel.map {
            Topology.sentinel(SentinelRouter(configuration: configuration, sentinel: $0, eventLoopGroup: eventLoopGroup, logger: logger))
        })
    }

    deinit {
        self.pool.closeWithoutWaiting()
        self.subscriberLink.close()
        switch self.topology.withLock({ $0 }) {
        case .cluster(let router): router.closeWithoutWaiting()
        case .sentinel(let router): router.closeWithoutWaiting()
        case .standalone, nil: break
        }
    }

    /// Sends `command` and returns its reply; an error reply is thrown as ``RedisClientError/server(_:)``.
    @discardableResult
    nonisolated(nonsending) public func send(_ command: RedisCommand) async throws -> RESPValue {
        try await self.send(command, timeout: self.configuration.commandTimeout)
    }

    /// Sends a command given as strings, such as `send("HGET", "user:42", "name")`.
    @discardableResult
    nonisolated(nonsending) public func send(_ arguments: String...) async throws -> RESPValue {
        try await self.send(RedisCommand(arguments))
    }

    /// Sends `command` with its own timeout instead of the configuration's `commandTimeout`.
    ///
    /// A command that blocks the server-side connection (`BLPOP`, `WAIT`) also delays every command
    /// pipelined behind it; give such commands their own ``RedisConnection``.
    @discardableResult
    nonisolated(nonsending) public func send(_ command: RedisCommand, timeout: Duration) async throws -> RESPValue {
        // `any()` is the caller's own loop when the caller runs on one of the group's loops
        // (`MultiThreadedEventLoopGroup.currentEventLoop`), and the next loop otherwise.
        let loop = self.eventLoopGroup.any()
        switch try await self.currentTopology(on: loop) {
        case .standalone:
            return try await self.pool.withConnection(on: loop) { try await $0.submit(command, timeout: timeout) }
        case .cluster(let router):
            return try await router.send(command, timeout: timeout, on: loop)
        case .sentinel(let router):
            return try await router.send(command, timeout: timeout, on: loop)
        }
    }

    /// Whether the server is a cluster, asked of the first seed that answers the first time.
    nonisolated(nonsending) func currentTopology(on loop: any EventLoop) async throws -> Topology {
        if let known = self.topology.withLock({ $0 }) { return known }
        var failure: any Error = RedisClientError.connectionUnavailable("no server named")
        for seed in self.configuration.seeds {
            do {
                let connection = try await self.seedConnection(seed, on: loop)
                let timeout = self.configuration.commandTimeout
                let tls = self.configuration.tls != nil
                let map = try await ClusterRouter.discover(node: seed, tls: tls) { try await connection.send($0, timeout: timeout) }
                if seed != self.configuration.seeds[0] { await connection.close() }
                return self.settle(map)
            } catch {
                failure = error
            }
        }
        throw failure
    }

    nonisolated(nonsending) private func seedConnection(_ seed: RedisEndpoint, on loop: any EventLoop) async throws -> RedisConnection {
        if seed == self.configuration.seeds[0] { return try await self.pool.connection(on: loop) }
        var configuration = self.configuration
        configuration.host = seed.host
        configuration.port = seed.port
        return try await RedisConnection.connect(configuration: configuration, eventLoop: loop, logger: self.logger)
    }

    /// Records what discovery found, unless a concurrent first command recorded it already.
    private func settle(_ map: ClusterTopology?) -> Topology {
        self.topology.withLock { topology in
            if let known = topology { return known }
            let found: Topology = map.map {
                .cluster(ClusterRouter(
                    configuration: self.configuration,
                    topology: $0,
                    seedPool: self.pool,
                    eventLoopGroup: self.eventLoopGroup,
                    logger: self.logger
                ))
            } ?? .standalone
            self.logger.debug("Redis topology", metadata: ["redis.cluster": "\(map != nil)"])
            topology = found
            return found
        }
    }

    /// Closes every connection. Commands still waiting fail with ``RedisClientError/closed``, and so
    /// does every command sent afterwards.
    public func close() async {
        self.subscriberLink.close()
        switch self.topology.withLock({ $0 }) {
        case .cluster(let router): await router.close()
        case .sentinel(let router): await router.close()
        case .standalone, nil: break
        }
        await self.pool.close()
        self.logger.debug("Redis client closed")
    }
}
