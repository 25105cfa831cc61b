import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One connection to a Redis or Valkey server, shared by any number of concurrent callers.
///
/// Commands sent concurrently are written in the order they arrive on the connection's event loop
/// and leave together (pipelining); replies are matched to them in that order. Most code uses
/// ``RedisClient``, which keeps connections like this one in a pool; use a connection directly
/// for commands that block it, such as `BLPOP`:
///
/// ```swift
/// let connection = try await RedisConnection.connect(
///     configuration: try RedisConfiguration(url: "redis://127.0.0.1:6379"),
///     eventLoop: MultiThreadedEventLoopGroup.singleton.next()
/// )
/// let job = try await connection.send(RedisCommand(["BLPOP", "jobs", "5"]), timeout: .seconds(6))
/// await connection.close()
/// ```
public final class RedisConnection: Sendable {
    /// RESP3 when the server accepted `HELLO 3`, else RESP2.
    public let protocolVersion: RESPProtocolVersion
    let channel: any Channel
    private let health: ConnectionHealth
    /// The channel's command handler, which ``send(_:timeout:)`` hands commands to directly.
    let commands: NIOLoopBound<RedisCommandHandler>
    /// Names each command sent through ``send(_:timeout:)``, so that a cancelled caller can withdraw it.
    private let commandIDs = Atomic<UInt64>(0)

    public var eventLoop: any EventLoop { self.channel.eventLoop }

    /// Whether the connection can still carry commands; it never becomes active again once closed.
    public var isActive: Bool { self.channel.isActive && !self.health.isRetired }

    /// Connects, then negotiates the protocol, authenticates and selects the database in
    /// `configuration` (see ``RedisConfiguration``).
    ///
    /// - Throws: ``RedisClientError/connectionUnavailable(_:)`` when the server cannot be reached or
    ///   does not answer within `connectTimeout`; ``RedisClientError/server(_:)`` when it refuses the
    ///   credentials or the database.
    public static func connect(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop,
        logger: Logger = Logger(label: "resp")
    ) async throws -> RedisConnection {
        let health = ConnectionHealth()
        let channel = try await Self.openChannel(configuration: configuration, eventLoop: eventLoop, health: health, logger: logger)
        do {
            let commands = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: RedisCommandHandler.self), eventLoop: channel.eventLoop)
            }.get()
            let version = try await Self.handshake(on: channel, configuration: configuration)
            logger.debug("Redis connection ready", metadata: ["redis.protocol": "\(version.rawValue)"])
            return RedisConnection(channel: channel, protocolVersion: version, health: health, commands: commands)
        } catch {
            try? await channel.close().get()
            throw Self.handshakeFailure(error, configuration: configuration)
        }
    }

    private init(
        channel: any Channel,
        protocolVersion: RESPProtocolVersion,
        health: ConnectionHealth,
        commands: NIOLoopBound<RedisCommandHandler>
    ) {
        self.channel = channel
        self.protocolVersion = protocolVersion
        self.health = health
        self.commands = commands
    }

    /// Sends `command` and waits for its reply.
    ///
    /// An error reply is thrown as ``RedisClientError/server(_:)``. When `timeout` passes first the
    /// command fails with ``RedisClientError/timeout`` and the connection is closed, because the late
    /// reply would otherwise be taken for the answer to the next command. Cancelling the calling task
    /// stops the wait; the reply, when it comes, is discarded.
    @discardableResult
    nonisolated(nonsending) public func send(_ command: RedisCommand, timeout: Duration) async throws -> RESPValue {
        do {
            return try await self.submit(command, timeout: timeout)
        } catch let unsent as UnsentCommand {
            throw unsent.cause
        }
    }

    /// ``send(_:timeout:)``, except that a command the connection failed before sending fails with
    /// ``UnsentCommand``, for the pool to send again on a fresh connection.
    nonisolated(nonsending) func submit(_ command: RedisCommand, timeout: Duration) async throws -> RESPValue {
        guard command.count > 0 else { throw Self.emptyCommand }
        try Task.checkCancellation()
        // The caller waits on a continuation that the handler resumes itself: no promise and no
        // callback in between, and no hop when the caller already runs on the connection's loop.
        let id = self.nextCommandID()
        let commands = self.commands
        let eventLoop = self.channel.eventLoop
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (reply: UnsafeContinuation<RESPValue, any Error>) in
                if eventLoop.inEventLoop {
                    commands.value.enqueue(command, timeout: timeout, id: id, reply: .continuation(reply))
                } else {
                    eventLoop.execute {
                        commands.value.enqueue(command, timeout: timeout, id: id, reply: .continuation(reply))
                    }
                }
            }
        } onCancel: {
            eventLoop.execute { commands.value.cancel(id) }
        }
    }

    /// A new id for a command (or pipeline) that its caller may withdraw by cancelling.
    func nextCommandID() -> UInt64 {
        self.commandIDs.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Closes the connection; commands still waiting fail with ``RedisClientError/closed``.
    public func close() async {
        try? await self.channel.close().get()
    }

    nonisolated(nonsending) static func send(
        _ command: RedisCommand,
        timeout: Duration,
        on channel: any Channel
    ) async throws -> RESPValue {
        guard command.count > 0 else { throw Self.emptyCommand }
        try Task.checkCancellation()
        let reply = channel.eventLoop.makePromise(of: RESPValue.self)
        Self.write(command, timeout: timeout, replyingTo: reply, on: channel)
        return try await withTaskCancellationHandler {
            try await reply.futureResult.get()
        } onCancel: {
            reply.fail(CancellationError())
        }
    }

    /// Writes `command` so that `reply` is completed in every case.
    static func write(
        _ command: RedisCommand,
        timeout: Duration,
        replyingTo reply: EventLoopPromise<RESPValue>,
        on channel: any Channel
    ) {
        // A write that never reaches the command handler (the channel closed in between) can only
        // be noticed through its write promise.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { reply.fail(Self.unavailable($0)) }
        channel.write(RedisRequest(command: command, promise: reply, timeout: timeout), promise: written)
    }

    private static func openChannel(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop,
        health: ConnectionHealth,
        logger: Logger
    ) async throws -> any Channel {
        guard let bootstrap = ClientBootstrap(validatingGroup: eventLoop) else {
            throw RedisClientError.connectionUnavailable("\(type(of: eventLoop)) cannot open sockets")
        }
        let limits = configuration.decodingLimits
        let tls = try Self.tlsContext(configuration)
        let serverName = configuration.tlsServerName ?? Self.serverName(configuration.host)
        let handshake = tls.map { _ in eventLoop.makePromise(of: Void.self) }
        let channel: any Channel
        do {
            channel = try await bootstrap
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls, let handshake {
                            try channel.pipeline.syncOperations.addHandlers(
                                NIOSSLClientHandler(context: tls, serverHostname: serverName),
                                TLSHandshakeHandler(done: handshake)
                            )
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            RedisCommandHandler(limits: limits, health: health, logger: logger)
                        )
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            handshake?.fail(error)
            throw RedisClientError.connectionUnavailable(
                "cannot connect to \(configuration.host):\(configuration.port): \(Self.reason(error))"
            )
        }
        if let handshake {
            try await Self.awaitTLSHandshake(handshake.futureResult, on: channel, configuration: configuration)
        }
        return channel
    }

    /// Waits for the TLS handshake (within `connectTimeout`), so that a certificate that does not
    /// verify fails the connection with that reason rather than as a lost connection.
    private static func awaitTLSHandshake(
        _ handshake: EventLoopFuture<Void>,
        on channel: any Channel,
        configuration: RedisConfiguration
    ) async throws {
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.connectTimeout)) {
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            try await handshake.get()
        } catch {
            channel.close(promise: nil)
            throw RedisClientError.connectionUnavailable(
                "TLS handshake with \(configuration.host):\(configuration.port) failed: \(Self.reason(error))"
            )
        }
    }

    /// A TLS context for one connection, when the configuration asks for TLS. Building it reads the
    /// trust roots and certificate files, so a missing file fails the connection, not the program.
    private static func tlsContext(_ configuration: RedisConfiguration) throws -> NIOSSLContext? {
        guard let tls = configuration.tls else { return nil }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw RedisClientError.connectionUnavailable("the TLS configuration cannot be used: \(error)")
        }
    }

    /// The name sent as SNI and checked in the certificate: the host, unless it is an IP address
    /// (SNI cannot carry one; the certificate is then checked against the address connected to).
    private static func serverName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// The server would never answer an empty array, leaving every later reply misaligned.
    static let emptyCommand = RedisClientError.protocolError("a command needs at least a name")

    /// The error a command fails with when its write fails.
    private static func unavailable(_ error: any Error) -> any Error {
        switch error {
        case is RedisClientError, is CancellationError, is UnsentCommand: error
        case ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed:
            UnsentCommand(cause: .connectionUnavailable("connection closed"))
        default: RedisClientError.connectionUnavailable(Self.reason(error))
        }
    }

    /// The cause of a connection failure in words, without NIO's wrapping.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return "\(first.error)"
        }
        return "\(error)"
    }
}
