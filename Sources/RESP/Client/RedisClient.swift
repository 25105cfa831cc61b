import Logging
import NIOCore
import NIOPosix

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
/// A command is never retried on another connection, as it may already have run.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    let pool: ConnectionPool
    let subscriberLink: SubscriberLink

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
    }

    deinit {
        self.pool.closeWithoutWaiting()
        self.subscriberLink.close()
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
        let connection = try await self.pool.connection(on: self.eventLoopGroup.any())
        return try await connection.send(command, timeout: timeout)
    }

    /// Closes every connection. Commands still waiting fail with ``RedisClientError/closed``, and so
    /// does every command sent afterwards.
    public func close() async {
        self.subscriberLink.close()
        await self.pool.close()
        self.logger.debug("Redis client closed")
    }
}
