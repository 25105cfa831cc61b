import Logging
import NIOCore
import Synchronization

/// The subscriptions a client holds on one server, all carried by one dedicated connection.
///
/// Subscriptions register their channels here; the first channel opens the connection, and a
/// maintenance task keeps it: when the connection is lost it reconnects (with back-off, 50 ms
/// doubling to 2 s) and subscribes every channel that still has a subscriber. Messages published
/// while no connection is up are lost, as Redis pub/sub does not keep them.
///
/// Messages are handed to the subscriptions on the connection's event loop, in the order the
/// server sent them, without hopping to another task.
final class SubscriberLink: Sendable {
    typealias Continuation = AsyncThrowingStream<RedisPubSubMessage, any Error>.Continuation

    /// A `subscribe` call waiting for the server to confirm its channels.
    private struct Waiter {
        let id: UInt64
        var channels: Set<String>
        let promise: EventLoopPromise<Void>
    }

    private struct State {
        var subscribers: [String: [UInt64: Continuation]] = [:]
        /// Channels the server confirmed on the current connection.
        var confirmed: Set<String> = []
        /// Channels asked for on the current connection and not yet confirmed.
        var requested: Set<String> = []
        var waiters: [Waiter] = []
        var channel: (any Channel)?
        var isMaintained = false
        var isClosed = false
        var nextID: UInt64 = 0
    }

    private enum Start {
        case confirmed
        case wait(send: [String], on: (any Channel)?, startLink: Bool, promise: EventLoopPromise<Void>)
    }

    private let configuration: RedisConfiguration
    private let eventLoop: any EventLoop
    private let sharded: Bool
    private let logger: Logger
    private let resolve: (@Sendable (_ afterFailure: Bool) async throws -> RedisConfiguration)?
    private let state = Mutex(State())

    /// `sharded` uses `SSUBSCRIBE` (Redis Cluster's sharded pub/sub) instead of `SUBSCRIBE`.
    /// `resolve`, when given, names the server before every connection attempt (a cluster link
    /// follows its slot to the current primary); otherwise `configuration` does.
    init(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop,
        sharded: Bool,
        logger: Logger,
        resolve: (@Sendable (_ afterFailure: Bool) async throws -> RedisConfiguration)? = nil
    ) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.sharded = sharded
        self.logger = logger
        self.resolve = resolve
    }

    /// Registers `continuation` for `channels` and returns once the server confirmed every one of them.
    ///
    /// - Returns: the id that ``remove(_:)`` takes.
    nonisolated(nonsending) func add(_ channels: Set<String>, continuation: Continuation) async throws -> UInt64 {
        let (id, start) = try self.register(channels, continuation: continuation)
        guard case .wait(let send, let channel, let startLink, let promise) = start else { return id }
        if let channel, !send.isEmpty {
            channel.writeAndFlush(self.command(subscribe: true, send), promise: nil)
        }
        if startLink {
            Task { await self.maintain() }
        }
        let limit = self.configuration.connectTimeout + self.configuration.commandTimeout
        let timer = self.eventLoop.scheduleTask(in: TimeAmount(limit)) { promise.fail(RedisClientError.timeout) }
        do {
            try await promise.futureResult.get()
            timer.cancel()
            return id
        } catch {
            timer.cancel()
            self.remove(id)
            throw error
        }
    }

    private func register(_ channels: Set<String>, continuation: Continuation) throws -> (UInt64, Start) {
        try self.state.withLock { state in
            guard !state.isClosed else { throw RedisClientError.closed }
            state.nextID += 1
            let id = state.nextID
            for channel in channels { state.subscribers[channel, default: [:]][id] = continuation }
            let unconfirmed = channels.subtracting(state.confirmed)
            guard !unconfirmed.isEmpty else { return (id, .confirmed) }
            let promise = self.eventLoop.makePromise(of: Void.self)
            state.waiters.append(Waiter(id: id, channels: unconfirmed, promise: promise))
            let startLink = !state.isMaintained
            state.isMaintained = true
            guard let channel = state.channel else {
                return (id, .wait(send: [], on: nil, startLink: startLink, promise: promise))
            }
            let send = unconfirmed.subtracting(state.requested)
            state.requested.formUnion(send)
            return (id, .wait(send: send.sorted(), on: channel, startLink: startLink, promise: promise))
        }
    }

    /// Ends the subscription `id`; channels nobody listens to any more are unsubscribed. Safe to
    /// call more than once.
    func remove(_ id: UInt64) {
        let (abandoned, channel, waiters): ([String], (any Channel)?, [Waiter]) = self.state.withLock { state in
            let waiters = state.waiters.filter { $0.id == id }
            state.waiters.removeAll { $0.id == id }
            var abandoned: [String] = []
            for (name, listeners) in state.subscribers where listeners[id] != nil {
                if listeners.count == 1 {
                    state.subscribers[name] = nil
                    state.confirmed.remove(name)
                    state.requested.remove(name)
                    abandoned.append(name)
                } else {
                    state.subscribers[name]?[id] = nil
                }
            }
            return (abandoned, state.channel, waiters)
        }
        for waiter in waiters { waiter.promise.fail(RedisClientError.closed) }
        guard let channel, !abandoned.isEmpty else { return }
        channel.writeAndFlush(self.command(subscribe: false, abandoned.sorted()), promise: nil)
    }

    /// Ends every subscription (their sequences finish) and closes the connection.
    func close() {
        let (continuations, waiters, channel) = self.state.withLock { state in
            state.isClosed = true
            defer {
                state.subscribers = [:]
                state.waiters = []
            }
            return (state.subscribers.values.flatMap(\.values), state.waiters, state.channel)
        }
        for waiter in waiters { waiter.promise.fail(RedisClientError.closed) }
        for continuation in continuations { continuation.finish() }
        channel?.close(promise: nil)
    }

    /// Closes the connection, if one is open, so that the link reconnects to wherever `resolve`
    /// now names and subscribes every channel again there (a Sentinel primary changed).
    func reconnect() {
        self.state.withLock { $0.channel }?.close(promise: nil)
    }

    /// Keeps a connection open while anyone subscribes, and resubscribes after every reconnect.
    private func maintain() async {
        var delay = Duration.milliseconds(50)
        var failed = false
        while let channels = self.channelsToKeep() {
            do {
                let configuration = try await self.resolve?(failed) ?? self.configuration
                failed = true
                let channel = try await RedisConnection.openSubscriber(
                    configuration: configuration,
                    eventLoop: self.eventLoop,
                    logger: self.logger,
                    onEvent: { [weak self] in self?.handle($0) }
                )
                guard self.adopt(channel, channels: channels) else {
                    try? await channel.close()
                    continue
                }
                if !channels.isEmpty {
                    channel.writeAndFlush(self.command(subscribe: true, channels.sorted()), promise: nil)
                }
                self.logger.debug("Redis subscriber connected", metadata: ["redis.channels": "\(channels.count)"])
                delay = .milliseconds(50)
                failed = false
                try? await channel.closeFuture.get()
                failed = true
                self.drop(channel)
            } catch {
                self.failWaiters(error)
                self.logger.debug("Redis subscriber could not connect", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    /// The channels to subscribe on a new connection, or `nil` when the link should stop.
    private func channelsToKeep() -> Set<String>? {
        self.state.withLock { state in
            guard !state.isClosed, !state.subscribers.isEmpty else {
                state.isMaintained = false
                return nil
            }
            return Set(state.subscribers.keys)
        }
    }

    private func adopt(_ channel: any Channel, channels: Set<String>) -> Bool {
        self.state.withLock { state in
            guard !state.isClosed else { return false }
            state.channel = channel
            state.confirmed = []
            // Channels added while the connection opened are subscribed with the rest.
            state.requested = Set(state.subscribers.keys)
            return true
        }
    }

    private func drop(_ channel: any Channel) {
        self.state.withLock { state in
            guard state.channel === channel else { return }
            state.channel = nil
            state.confirmed = []
            state.requested = []
        }
        self.logger.debug("Redis subscriber connection lost")
    }

    private func failWaiters(_ error: any Error) {
        let waiters = self.state.withLock { state in
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.promise.fail(error) }
    }

    private func handle(_ event: PubSubEvent) {
        switch event {
        case .message(let channel, let payload):
            self.deliver(RedisPubSubMessage(channel: channel, payload: payload))
        case .subscribed(let channel):
            self.confirm(channel)
        case .unsubscribed(let channel):
            self.unconfirm(channel)
        case .error(let message):
            self.logger.debug("Redis subscriber got an error reply")
            self.failWaiters(RedisClientError.server(message))
        }
    }

    private func deliver(_ message: RedisPubSubMessage) {
        let listeners = self.state.withLock { $0.subscribers[message.channel].map { Array($0) } ?? [] }
        for (id, continuation) in listeners {
            if case .dropped = continuation.yield(message) {
                self.logger.debug("Redis subscriber fell behind; its subscription ends")
                continuation.finish(throwing: RedisClientError.subscriberTooSlow)
                self.remove(id)
            }
        }
    }

    private func confirm(_ channel: String) {
        let ready: [EventLoopPromise<Void>] = self.state.withLock { state in
            guard state.subscribers[channel] != nil else { return [] }
            state.confirmed.insert(channel)
            state.requested.remove(channel)
            var ready: [EventLoopPromise<Void>] = []
            for index in state.waiters.indices { state.waiters[index].channels.remove(channel) }
            state.waiters.removeAll { waiter in
                if waiter.channels.isEmpty { ready.append(waiter.promise) }
                return waiter.channels.isEmpty
            }
            return ready
        }
        for promise in ready { promise.succeed() }
    }

    /// An unsubscribe nobody asked for (the channel's slot moved to another node) closes the
    /// connection, so that the link reconnects and subscribes again where the slot now lives.
    private func unconfirm(_ channel: String) {
        let unexpected: (any Channel)? = self.state.withLock { state in
            guard state.subscribers[channel] != nil else { return nil }
            state.confirmed.remove(channel)
            return state.channel
        }
        unexpected?.close(promise: nil)
    }

    private func command(subscribe: Bool, _ channels: [String]) -> RedisCommand {
        let name = switch (subscribe, self.sharded) {
        case (true, false): "SUBSCRIBE"
        case (true, true): "SSUBSCRIBE"
        case (false, false): "UNSUBSCRIBE"
        case (false, true): "SUNSUBSCRIBE"
        }
        return RedisCommand([name] + channels)
    }
}
