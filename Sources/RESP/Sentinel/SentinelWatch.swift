import Logging
import NIOCore
import Synchronization

/// Listens to one sentinel at a time for `+switch-master`, the message a sentinel publishes when a
/// failover has made another server the primary, and reports the new primary of the watched master.
///
/// When its sentinel goes away it moves on to the next one (back-off from 50 ms doubling to 2 s).
/// Each time a subscription is confirmed it reports that too: a switch may have been announced
/// while no sentinel was being listened to, so the primary should be looked up again.
final class SentinelWatch: Sendable {
    /// Reported to the owner: a confirmed subscription on `sentinel`, or a switch it announced.
    enum Event: Sendable {
        case listening(sentinel: RedisEndpoint)
        case switched(to: RedisEndpoint, announcedBy: RedisEndpoint)
    }

    static let channel = "+switch-master"

    private struct State {
        var channel: (any Channel)?
        var isClosed = false
    }

    private let masterName: String
    private let sentinels: @Sendable () -> [RedisEndpoint]
    private let configuration: @Sendable (RedisEndpoint) -> RedisConfiguration
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let report: @Sendable (Event) -> Void
    private let state = Mutex(State())

    /// - Parameters:
    ///   - sentinels: the sentinels to listen to, in the order to try them, read before each attempt.
    ///   - configuration: how to connect to one of them.
    init(
        masterName: String,
        sentinels: @escaping @Sendable () -> [RedisEndpoint],
        configuration: @escaping @Sendable (RedisEndpoint) -> RedisConfiguration,
        eventLoop: any EventLoop,
        logger: Logger,
        report: @escaping @Sendable (Event) -> Void
    ) {
        self.masterName = masterName
        self.sentinels = sentinels
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        self.report = report
    }

    func start() {
        Task { await self.listen() }
    }

    /// Stops listening and closes the connection.
    func close() {
        let channel = self.state.withLock { state in
            state.isClosed = true
            return state.channel
        }
        channel?.close(promise: nil)
    }

    private func listen() async {
        var delay = Duration.milliseconds(50)
        var turn = 0
        while !self.state.withLock({ $0.isClosed }) {
            let sentinels = self.sentinels()
            if !sentinels.isEmpty {
                let sentinel = sentinels[turn % sentinels.count]
                if await self.listen(to: sentinel) {
                    delay = .milliseconds(50)
                }
            }
            // The first sentinel in the list is the one that last answered; after a failure, the next.
            turn += 1
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    /// Subscribes on `sentinel` and returns when the connection ends: `true` if it was up.
    private func listen(to sentinel: RedisEndpoint) async -> Bool {
        let channel: any Channel
        do {
            channel = try await RedisConnection.openSubscriber(
                configuration: self.configuration(sentinel),
                eventLoop: self.eventLoop,
                logger: self.logger,
                onEvent: { [weak self] in self?.handle($0, from: sentinel) }
            )
        } catch {
            self.logger.debug("Redis sentinel could not be listened to", metadata: ["redis.sentinel": "\(sentinel)", "error": "\(error)"])
            return false
        }
        let adopted = self.state.withLock { state in
            if !state.isClosed { state.channel = channel }
            return !state.isClosed
        }
        guard adopted else {
            try? await channel.close()
            return false
        }
        channel.writeAndFlush(RedisCommand(["SUBSCRIBE", Self.channel]), promise: nil)
        try? await channel.closeFuture.get()
        self.state.withLock { state in
            if state.channel === channel { state.channel = nil }
        }
        self.logger.debug("Redis sentinel connection lost", metadata: ["redis.sentinel": "\(sentinel)"])
        return true
    }

    private func handle(_ event: PubSubEvent, from sentinel: RedisEndpoint) {
        switch event {
        case .subscribed(Self.channel):
            self.report(.listening(sentinel: sentinel))
        case .message(Self.channel, let payload):
            guard let primary = self.newPrimary(String(buffer: payload)) else { return }
            self.logger.debug("Redis sentinel announced a new primary", metadata: ["redis.primary": "\(primary)", "redis.sentinel": "\(sentinel)"])
            self.report(.switched(to: primary, announcedBy: sentinel))
        case .error(let message):
            // A sentinel that refuses the subscription (NOAUTH, an ACL) will not be of use: try the next.
            self.logger.debug("Redis sentinel refused to be listened to", metadata: ["redis.sentinel": "\(sentinel)", "error": "\(message)"])
            self.state.withLock { $0.channel }?.close(promise: nil)
        case .message, .subscribed, .unsubscribed:
            break
        }
    }

    /// The new address in `<master-name> <old-ip> <old-port> <new-ip> <new-port>`, when the message
    /// is about the watched master.
    private func newPrimary(_ message: String) -> RedisEndpoint? {
        let words = message.split(separator: " ")
        guard words.count == 5, words[0] == self.masterName, let port = Int(words[4]), (1...65535).contains(port) else {
            return nil
        }
        return RedisEndpoint(host: String(words[3]), port: port)
    }
}
