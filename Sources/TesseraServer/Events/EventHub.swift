import Logging
import ServiceLifecycle
import Synchronization
import TesseraCore

/// This node's live-event sockets by user, fed from the ``EventBus``: each event goes to
/// the sockets of the sessions it concerns. Runs as a service of the app, listening to the
/// bus until shutdown and listening again after the bus failed.
///
/// ```swift
/// let socket = hub.register(userID: user.id, sessionID: session.id)
/// defer { hub.unregister(socket) }
/// for await signal in socket.signals { … }
/// ```
final class EventHub: Service, Sendable {
    /// What a socket's loop acts on: an event for it, or the time to check its session.
    enum Signal: Sendable {
        case event(LiveEvent)
        case recheck
    }

    struct Registration: Sendable {
        let userID: String
        let id: Int
        let signals: AsyncStream<Signal>
        let continuation: AsyncStream<Signal>.Continuation
    }

    private struct Listener {
        let sessionID: String
        let continuation: AsyncStream<Signal>.Continuation
    }

    let bus: any EventBus
    private let logger: Logger
    private let sockets = Mutex<[String: [Int: Listener]]>([:])
    private let nextID = Atomic<Int>(0)
    private let count = Atomic<Int>(0)

    init(bus: any EventBus, logger: Logger) {
        self.bus = bus
        self.logger = logger
    }

    /// How many sockets are registered on this node.
    var connected: Int { count.load(ordering: .relaxed) }

    func register(userID: String, sessionID: String) -> Registration {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        // A socket that cannot keep up loses the oldest events, never the newest: the last
        // event is the one that may say its session ended.
        let (signals, continuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .bufferingNewest(64))
        sockets.withLock { $0[userID, default: [:]][id] = Listener(sessionID: sessionID, continuation: continuation) }
        count.wrappingAdd(1, ordering: .relaxed)
        return Registration(userID: userID, id: id, signals: signals, continuation: continuation)
    }

    func unregister(_ registration: Registration) {
        let removed = sockets.withLock { sockets -> Bool in
            let gone = sockets[registration.userID]?.removeValue(forKey: registration.id) != nil
            if sockets[registration.userID]?.isEmpty == true { sockets[registration.userID] = nil }
            return gone
        }
        if removed { count.wrappingSubtract(1, ordering: .relaxed) }
        registration.continuation.finish()
    }

    /// Hands `event` to this node's sockets it concerns.
    func deliver(_ event: LiveEvent) {
        let targets = sockets.withLock { sockets in
            (sockets[event.userID] ?? [:]).values.filter { event.concerns(session: $0.sessionID) }.map(\.continuation)
        }
        for target in targets { target.yield(.event(event)) }
    }

    func run() async throws {
        var pause = Duration.seconds(1)
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let events = try await bus.listen()
                pause = .seconds(1)
                for await event in events.cancelOnGracefulShutdown() { deliver(event) }
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                logger.warning("event bus closed; listening again")
            } catch {
                logger.warning("event bus unavailable; sockets fall back to their session checks", metadata: [
                    "error": "\(error)", "retry-in": "\(pause)",
                ])
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(30))
        }
        closeAll()
    }

    private func closeAll() {
        let all = sockets.withLock { sockets in sockets.values.flatMap { $0.values.map(\.continuation) } }
        for continuation in all { continuation.finish() }
    }
}
