import Logging
import NIOCore
import Synchronization

/// Sends every command to the primary that Redis Sentinel names, and follows it through failovers.
///
/// The primary is found on first use (``SentinelDiscovery``), and each pooled connection to it is
/// asked for its `ROLE` before its first command, so that a server demoted since it was named is
/// never read from. After that the router listens to a sentinel for `+switch-master`
/// (``SentinelWatch``) and moves to the announced primary at once. Without an announcement, the
/// same happens when the primary lets it down: a refused connection, a connection that says it is
/// a replica, a `READONLY` or `MASTERDOWN` refusal, or a connection lost under a command.
///
/// Commands that could not be sent, or that a replica refused, are tried again after asking the
/// sentinels, with back-off of 100, 200, 400, 800 ms (``maximumAttempts`` in all, about 1.5 s,
/// like ``ClusterRouter``), then fail with ``RedisClientError/connectionUnavailable(_:)``; one
/// whose connection had failed before it left is tried again at once on a fresh connection. A
/// command whose connection broke after it was written is never retried, as it may have run.
///
/// Connections to a former primary are closed one command timeout after the switch, so that
/// commands already sent there get their replies.
final class SentinelRouter: Sendable {
    static let maximumAttempts = 5

    /// One primary as the router knows it: its address, its pool, and which of the pool's
    /// connections have said they are a master.
    final class Primary: Sendable {
        let endpoint: RedisEndpoint
        let pool: ConnectionPool
        private let confirmed = Mutex<[RedisConnection]>([])

        init(endpoint: RedisEndpoint, pool: ConnectionPool) {
            self.endpoint = endpoint
            self.pool = pool
        }

        func isConfirmed(_ connection: RedisConnection) -> Bool {
            self.confirmed.withLock { $0.contains { $0 === connection } }
        }

        func confirm(_ connection: RedisConnection) {
            self.confirmed.withLock { confirmed in
                confirmed.removeAll { !$0.isActive }
                confirmed.append(connection)
            }
        }
    }

    /// A pooled connection answered `ROLE` with something other than `master`.
    private struct NotPrimary: Error {
        let endpoint: RedisEndpoint
        let role: String
    }

    private struct State {
        var primary: Primary?
        /// In the order to ask them: the one that last named the primary first.
        var sentinels: [RedisEndpoint]
        var discovery: Task<Primary, any Error>?
        /// Counts the primaries adopted, so that a discovery that began before an announced switch
        /// cannot put back the primary the switch replaced.
        var generation = 0
        var retired: [ConnectionPool] = []
        var watch: SentinelWatch?
        var subscriberLink: SubscriberLink?
        var isClosed = false
    }

    private let configuration: RedisConfiguration
    private let discovery: SentinelDiscovery
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>

    init(configuration: RedisConfiguration, sentinel: RedisSentinelConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.discovery = SentinelDiscovery(configuration: configuration, sentinel: sentinel, eventLoopGroup: eventLoopGroup, logger: logger)
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.state = Mutex(State(sentinels: sentinel.sentinels))
    }

    nonisolated(nonsending) func send(_ command: RedisCommand, timeout: Duration, on loop: any EventLoop) async throws -> RESPValue {
        try await self.withPrimary(on: loop) { try await $0.submit(command, timeout: timeout) }
    }

    /// `commands` as one pipeline to the primary. A replica's refusal among the results is not sent
    /// again (the others may have run), but makes the router ask the sentinels for the primary.
    nonisolated(nonsending) func pipeline(
        _ commands: [RedisCommand],
        timeout: Duration,
        on loop: any EventLoop
    ) async throws -> [Result<RESPValue, RedisClientError>] {
        let results = try await self.withPrimary(on: loop) { try await $0.submit(pipeline: commands, timeout: timeout) }
            .map(RedisConnection.outcome)
        let refused = results.contains { if case .failure(.server(let message)) = $0 { Self.isReplicaRefusal(message) } else { false } }
        if refused { self.rediscoverInBackground() }
        return results
    }

    /// `command` followed by `WAIT` on the same connection, unless the primary has no replica.
    nonisolated(nonsending) func send(
        _ command: RedisCommand,
        acknowledgedBy replicas: Int,
        within timeout: Duration,
        on loop: any EventLoop
    ) async throws -> (reply: RESPValue, acknowledgements: Int?) {
        let commandTimeout = self.configuration.commandTimeout
        return try await self.withPrimary(on: loop) { connection in
            let info = try await connection.submit(RedisCommand(["INFO", "replication"]), timeout: commandTimeout)
            guard RedisClient.connectedReplicas(info) > 0 else {
                return (try await connection.submit(command, timeout: commandTimeout), nil)
            }
            return try await RedisClient.sendWaiting(command, replicas: replicas, within: timeout, on: connection, commandTimeout: commandTimeout)
        }
    }

    /// Runs `exchange` on a connection to the primary, finding it first and following it as the
    /// type's documentation says.
    nonisolated(nonsending) func withPrimary<Result>(
        on loop: any EventLoop,
        _ exchange: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            let primary: Primary
            let connection: RedisConnection
            do {
                primary = try await self.currentPrimary()
                connection = try await self.confirmedConnection(to: primary, on: loop)
            } catch {
                // Nothing was sent, so waiting for the sentinels to name a primary is safe.
                try await self.recover(from: error, attempt: attempt)
                attempt += 1
                continue
            }
            do {
                return try await exchange(connection)
            } catch RedisClientError.server(let message) where Self.isReplicaRefusal(message) {
                // A replica refused the command, so it did not run: the primary has been demoted.
                try await self.recover(from: NotPrimary(endpoint: primary.endpoint, role: "replica"), attempt: attempt)
                attempt += 1
            } catch let unsent as UnsentCommand {
                // The connection had failed before the command left it: a fresh one, asked for its
                // ROLE first, may carry it.
                guard attempt < Self.maximumAttempts else { throw unsent.cause }
                attempt += 1
            } catch let error as RedisClientError {
                if Self.isLoss(error) { self.rediscoverInBackground() }
                throw error
            }
        }
    }

    /// Throws when `error` ends the command; otherwise asks the sentinels again and waits before
    /// the next attempt, unless that found another primary to try at once.
    nonisolated(nonsending) private func recover(from error: any Error, attempt: Int) async throws {
        let final = Self.finalError(error)
        guard attempt < Self.maximumAttempts else { throw final }
        switch error {
        case let failure as SentinelDiscovery.Failure:
            // The sentinels were just asked, by currentPrimary().
            guard failure.isTransient else { throw failure.error }
        case is NotPrimary, RedisClientError.connectionUnavailable, RedisClientError.timeout:
            let before = self.state.withLock { $0.generation }
            do {
                _ = try await self.rediscover()
            } catch let failure as SentinelDiscovery.Failure where !failure.isTransient {
                throw failure.error
            } catch {}
            if self.state.withLock({ $0.generation }) != before { return }
        default:
            throw final
        }
        try await Task.sleep(for: .milliseconds(100 << min(attempt - 1, 4)))
    }

    /// The primary in use, if one has been found.
    var knownPrimary: RedisEndpoint? {
        self.state.withLock { $0.primary?.endpoint }
    }

    /// The primary in use, found first when there is none yet.
    nonisolated(nonsending) private func currentPrimary() async throws -> Primary {
        if let known = try self.state.withLock({ state in
            guard !state.isClosed else { throw RedisClientError.closed }
            return state.primary
        }) {
            return known
        }
        return try await self.rediscover()
    }

    /// A connection of `primary`'s pool that has said it is a master (asked once per connection).
    nonisolated(nonsending) private func confirmedConnection(to primary: Primary, on loop: any EventLoop) async throws -> RedisConnection {
        let connection = try await primary.pool.connection(on: loop)
        if primary.isConfirmed(connection) { return connection }
        let role = try await connection.send(RedisCommand(["ROLE"]), timeout: self.configuration.commandTimeout)
        let name = role.array?.first?.string ?? "unknown"
        guard name == "master" else { throw NotPrimary(endpoint: primary.endpoint, role: name == "slave" ? "replica" : name) }
        primary.confirm(connection)
        return connection
    }

    /// Asks the sentinels for the primary and adopts it; concurrent callers share one run.
    func rediscover() async throws -> Primary {
        let task: Task<Primary, any Error> = try self.state.withLock { state in
            guard !state.isClosed else { throw RedisClientError.closed }
            if let running = state.discovery { return running }
            let generation = state.generation
            let sentinels = state.sentinels
            let task = Task {
                defer { self.state.withLock { $0.discovery = nil } }
                return try self.adopt(try await self.discovery.run(sentinels: sentinels), since: generation)
            }
            state.discovery = task
            return task
        }
        return try await task.value
    }

    private func rediscoverInBackground() {
        Task { _ = try? await self.rediscover() }
    }

    /// Makes `found` the primary, unless another was adopted after `generation` (pass `nil` for news
    /// that is newer than anything adopted so far, such as a `+switch-master`).
    private func adopt(_ found: SentinelDiscovery.Found, since generation: Int?) throws -> Primary {
        let (primary, replaced, start) = try self.state.withLock { state -> (Primary, Primary?, SentinelWatch?) in
            guard !state.isClosed else { throw RedisClientError.closed }
            if let sentinel = found.sentinel {
                state.sentinels.removeAll { $0 == sentinel }
                state.sentinels.insert(sentinel, at: 0)
            }
            if let current = state.primary, current.endpoint == found.primary || generation.map({ $0 != state.generation }) ?? false {
                return (current, nil, nil)
            }
            let primary = Primary(
                endpoint: found.primary,
                pool: ConnectionPool(configuration: self.discovery.dataConfiguration(found.primary), logger: self.logger)
            )
            let replaced = state.primary
            if let replaced { state.retired.append(replaced.pool) }
            state.primary = primary
            state.generation += 1
            guard state.watch == nil else { return (primary, replaced, nil) }
            let watch = self.makeWatch()
            state.watch = watch
            return (primary, replaced, watch)
        }
        start?.start()
        if let replaced {
            self.logger.info(
                "Redis primary changed",
                metadata: ["redis.primary": "\(primary.endpoint)", "redis.former": "\(replaced.endpoint)"]
            )
            self.state.withLock { $0.subscriberLink }?.reconnect()
            self.retire(replaced.pool)
        }
        return primary
    }

    /// Closes a former primary's pool once the commands already sent on it have had their time.
    private func retire(_ pool: ConnectionPool) {
        let grace = self.configuration.commandTimeout
        Task {
            try? await Task.sleep(for: grace)
            let due = self.state.withLock { state in
                guard let index = state.retired.firstIndex(where: { $0 === pool }) else { return false }
                state.retired.remove(at: index)
                return true
            }
            if due { await pool.close() }
        }
    }

    private func makeWatch() -> SentinelWatch {
        SentinelWatch(
            masterName: self.discovery.masterName,
            sentinels: { [weak self] in self?.state.withLock { $0.sentinels } ?? [] },
            configuration: { [discovery = self.discovery] in discovery.sentinelConfiguration($0) },
            eventLoop: self.eventLoopGroup.next(),
            logger: self.logger,
            report: { [weak self] event in self?.watched(event) }
        )
    }

    private func watched(_ event: SentinelWatch.Event) {
        switch event {
        case .listening:
            // A switch may have been announced while nobody listened.
            self.rediscoverInBackground()
        case .switched(let endpoint, let sentinel):
            let sentinels = self.state.withLock { $0.sentinels }
            Task {
                do {
                    let found = try await self.discovery.run(sentinels: sentinels, hint: SentinelDiscovery.Found(primary: endpoint, sentinel: sentinel))
                    _ = try self.adopt(found, since: found.primary == endpoint ? nil : self.state.withLock { $0.generation })
                } catch {
                    self.logger.debug("Redis primary announced by a sentinel could not be confirmed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// The subscriber connection, which follows the primary: it is reopened wherever the router
    /// says the primary is when it is lost or the primary changes.
    ///
    /// The primary is found first, within discovery's own timeouts, so that the time a
    /// subscription has to be confirmed is spent on the subscriber connection alone.
    nonisolated(nonsending) func subscriberLink() async throws -> SubscriberLink {
        do {
            _ = try await self.currentPrimary()
        } catch {
            throw Self.finalError(error)
        }
        return try self.makeSubscriberLink()
    }

    private func makeSubscriberLink() throws -> SubscriberLink {
        try self.state.withLock { state in
            guard !state.isClosed else { throw RedisClientError.closed }
            if let link = state.subscriberLink { return link }
            let link = SubscriberLink(
                configuration: self.configuration,
                eventLoop: self.eventLoopGroup.next(),
                sharded: false,
                logger: self.logger
            ) { [weak self] afterFailure in
                guard let self else { throw RedisClientError.closed }
                do {
                    let primary = afterFailure ? try await self.rediscover() : try await self.currentPrimary()
                    return self.discovery.dataConfiguration(primary.endpoint)
                } catch {
                    throw Self.finalError(error)
                }
            }
            state.subscriberLink = link
            return link
        }
    }

    func close() async {
        for pool in self.shutDown() { await pool.close() }
    }

    func closeWithoutWaiting() {
        for pool in self.shutDown() { pool.closeWithoutWaiting() }
    }

    private func shutDown() -> [ConnectionPool] {
        let (pools, watch, link) = self.state.withLock { state in
            state.isClosed = true
            defer {
                state.retired = []
                state.primary = nil
            }
            return ((state.primary.map { [$0.pool] } ?? []) + state.retired, state.watch, state.subscriberLink)
        }
        watch?.close()
        link?.close()
        return pools
    }

    /// `READONLY` (a read-only replica) and `MASTERDOWN` (a replica that lost its primary) both
    /// say the command reached a replica, which did not run it.
    private static func isReplicaRefusal(_ message: String) -> Bool {
        message.hasPrefix("READONLY") || message.hasPrefix("MASTERDOWN")
    }

    /// Errors after which the primary may have gone away.
    private static func isLoss(_ error: RedisClientError) -> Bool {
        switch error {
        case .connectionUnavailable, .timeout: true
        default: false
        }
    }

    /// What the caller sees when `error` ends the command.
    private static func finalError(_ error: any Error) -> any Error {
        switch error {
        case let failure as SentinelDiscovery.Failure: failure.error
        case let unsent as UnsentCommand: unsent.cause
        case let demoted as NotPrimary:
            RedisClientError.connectionUnavailable(
                "\(demoted.endpoint) is a \(demoted.role) now, and the sentinels named no new primary in time"
            )
        default: error
        }
    }
}
