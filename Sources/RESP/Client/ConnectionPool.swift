import Logging
import NIOCore
import Synchronization

/// The connections of one ``RedisClient``: at most one per event loop, at most
/// `maximumConnections` in all, each opened on first use and forgotten as soon as it closes.
///
/// Callers on the same event loop share that loop's connection and pipeline on it. When the cap is
/// reached, callers on loops without a connection share the others' in turn. Concurrent callers
/// wait for one connection attempt per loop instead of each opening their own, so a burst of
/// commands while Redis is down costs one refused connect per loop, and every one of them fails
/// with that attempt's error. After a failed attempt the pool backs off
/// (``RedisConfiguration/reconnectDelay``): commands that would need a new connection fail at once
/// until the wait is over, or go to another loop's connection if one is open.
final class ConnectionPool: Sendable {
    private enum Slot {
        case connecting(EventLoopFuture<RedisConnection>)
        case ready(RedisConnection)
    }

    private enum Lease {
        case use(Slot)
        case open(EventLoopPromise<RedisConnection>, id: Int)
        case refused(any Error)
        case closed
    }

    private struct State {
        /// Keyed by the `ObjectIdentifier` of the connection's event loop.
        var slots: [ObjectIdentifier: Slot] = [:]
        var isClosed = false
        var openedConnections = 0
        var rotation = 0
        var backoff: ReconnectBackoff
    }

    private let configuration: RedisConfiguration
    private let logger: Logger
    private let state: Mutex<State>

    init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let backoff = ReconnectBackoff(initial: configuration.reconnectDelay, maximum: configuration.maximumReconnectDelay)
        self.state = Mutex(State(backoff: backoff))
    }

    /// How many connections one command is tried on when each fails before sending it.
    static let unsentAttempts = 3

    /// Runs `exchange` on `eventLoop`'s connection. When the connection turns out to have failed
    /// before the command left it (``UnsentCommand``: the server closed it while it sat idle, and
    /// nobody had noticed yet), `exchange` runs again on a fresh connection, a few times at most.
    nonisolated(nonsending) func withConnection<Result>(
        on eventLoop: any EventLoop,
        _ exchange: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            let connection = try await self.connection(on: eventLoop)
            do {
                return try await exchange(connection)
            } catch let unsent as UnsentCommand {
                guard attempt < Self.unsentAttempts else { throw unsent.cause }
                attempt += 1
            }
        }
    }

    nonisolated(nonsending) func connection(on eventLoop: any EventLoop) async throws -> RedisConnection {
        switch self.lease(on: eventLoop) {
        case .closed:
            throw RedisClientError.closed
        case .refused(let error):
            throw error
        case .use(.ready(let connection)):
            return connection
        case .use(.connecting(let attempt)):
            return try await attempt.get()
        case .open(let promise, let id):
            // The attempt runs in its own task: callers that joined it must not fail because the
            // caller that started it was cancelled.
            promise.completeWithTask { try await self.open(on: eventLoop, id: id) }
            return try await promise.futureResult.get()
        }
    }

    private func lease(on eventLoop: any EventLoop) -> Lease {
        let key = ObjectIdentifier(eventLoop)
        let maximum = max(1, self.configuration.maximumConnections)
        return self.state.withLock { state in
            if state.isClosed { return .closed }
            if let slot = state.slots[key] {
                guard case .ready(let connection) = slot, !connection.isActive else { return .use(slot) }
                state.slots[key] = nil
            }
            if state.slots.count < maximum {
                if let refusal = state.backoff.refusal(at: .now()) {
                    let open = Self.openConnections(state.slots)
                    guard !open.isEmpty else { return .refused(refusal) }
                    state.rotation &+= 1
                    return .use(open[state.rotation % open.count])
                }
                let promise = eventLoop.makePromise(of: RedisConnection.self)
                state.slots[key] = .connecting(promise.futureResult)
                state.openedConnections += 1
                return .open(promise, id: state.openedConnections)
            }
            let open = Self.openConnections(state.slots)
            let candidates = open.isEmpty ? Array(state.slots.values) : open
            state.rotation &+= 1
            return .use(candidates[state.rotation % candidates.count])
        }
    }

    private static func openConnections(_ slots: [ObjectIdentifier: Slot]) -> [Slot] {
        slots.values.filter { if case .ready(let connection) = $0 { connection.isActive } else { false } }
    }

    private func open(on eventLoop: any EventLoop, id: Int) async throws -> RedisConnection {
        let key = ObjectIdentifier(eventLoop)
        let logger = {
            var logger = self.logger
            logger[metadataKey: "redis.connection"] = "\(id)"
            return logger
        }()
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(
                configuration: self.configuration,
                eventLoop: eventLoop,
                logger: logger
            )
        } catch {
            self.state.withLock { state in
                state.slots[key] = nil
                state.backoff.failed(with: error, at: .now(), share: Double.random(in: 0.5...1))
            }
            logger.debug("Redis connection failed", metadata: ["error": "\(error)"])
            throw error
        }
        let accepted = self.state.withLock { state in
            state.backoff.succeeded()
            if !state.isClosed { state.slots[key] = .ready(connection) }
            return !state.isClosed
        }
        guard accepted else {
            await connection.close()
            throw RedisClientError.closed
        }
        connection.channel.closeFuture.whenComplete { _ in
            logger.debug("Redis connection closed")
            self.state.withLock { state in
                if case .ready(let current) = state.slots[key], current === connection { state.slots[key] = nil }
            }
        }
        return connection
    }

    /// Closes every connection and waits for attempts under way; commands waiting fail with
    /// ``RedisClientError/closed`` and later ones are refused.
    func close() async {
        for slot in self.shutDown() {
            switch slot {
            case .ready(let connection): await connection.close()
            case .connecting(let attempt): _ = try? await attempt.get()
            }
        }
    }

    /// Closes what can be closed without waiting; attempts under way close their connection when they finish.
    func closeWithoutWaiting() {
        for case .ready(let connection) in self.shutDown() {
            connection.channel.close(promise: nil)
        }
    }

    private func shutDown() -> [Slot] {
        self.state.withLock { state in
            state.isClosed = true
            defer { state.slots = [:] }
            return Array(state.slots.values)
        }
    }
}
