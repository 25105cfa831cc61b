import Foundation
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import TesseraCore
import TesseraStores

/// One live-events socket: sends the events of its session as JSON text messages, checks
/// the session when an event comes and every `recheckInterval` in between, and closes with
/// 1008 (policy violation) once the session is over, after a `session.ended` message.
///
/// Clients need not send anything; what they send is read, limited in size and rate, and
/// otherwise ignored.
struct EventSocket {
    let services: TesseraServices
    let hub: EventHub
    let identity: Identity
    let settings: Settings

    struct Settings: Sendable {
        var recheckInterval: Duration
        var messageRate: RateLimitRule
    }

    /// The largest message a client may send: a frame over it closes the socket with 1009.
    static let maximumMessageBytes = 4096

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        let registration = hub.register(userID: identity.user.id, sessionID: identity.session.id)
        defer { hub.unregister(registration) }
        services.metrics.eventSockets(open: hub.connected)
        defer { services.metrics.eventSockets(open: hub.connected) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await readClient(inbound, outbound) }
            group.addTask { try await send(registration.signals, outbound, logger: logger) }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: settings.recheckInterval)
                    registration.continuation.yield(.recheck)
                }
            }
            // Whichever ends first — the client left, the session ended — ends the socket.
            _ = try await group.next()
            group.cancelAll()
        }
    }

    private func send(_ signals: AsyncStream<EventHub.Signal>, _ outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        for await signal in signals {
            if case .event(let event) = signal, case .sessionEnded(let reason) = event.kind {
                return try await end(outbound, reason: reason)
            }
            // Every event is a moment to learn that the session ended without a word on the
            // bus (expiry, a missed message): nothing goes out to a session that is over.
            switch try await services.sessions.peek(identity.ref) {
            case .refused(let reason):
                return try await end(outbound, reason: reason)
            case .active:
                if case .event(let event) = signal {
                    try await outbound.write(.text(EventMessage.text(for: event)))
                }
            }
        }
    }

    private func end(_ outbound: WebSocketOutboundWriter, reason: RefusalReason) async throws {
        try await outbound.write(.text(EventMessage.ended(reason)))
        try await outbound.close(.policyViolation, reason: reason.rawValue)
    }

    private func readClient(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        let limiter = RateLimiter(store: MemoryRateLimitStore())
        for try await _ in inbound.messages(maxSize: Self.maximumMessageBytes) {
            if case .limited = try await limiter.acquire(settings.messageRate, key: "socket") {
                try await outbound.close(.policyViolation, reason: "too many messages")
                return
            }
        }
    }
}

/// The JSON text messages of `GET /api/events`.
enum EventMessage {
    static func ended(_ reason: RefusalReason) -> String {
        var json = JSONWriter()
        json.object { json in
            json.field("type") { $0.string("session.ended") }
            json.field("reason") { $0.string(reason.rawValue) }
        }
        return String(decoding: json.bytes, as: UTF8.self)
    }

    static func text(for event: LiveEvent) -> String {
        var json = JSONWriter()
        json.object { json in
            switch event.kind {
            case .sessionEnded(let reason):
                json.field("type") { $0.string("session.ended") }
                json.field("reason") { $0.string(reason.rawValue) }
            case .sessionCreated(let device, let deviceName, let ip):
                json.field("type") { $0.string("session.created") }
                json.field("sessionId") { $0.string(event.sessionID ?? "") }
                json.field("device") { $0.string(device) }
                json.field("deviceName") { $0.string(deviceName) }
                json.field("ip") { $0.string(ip) }
            case .push(let name, let data):
                json.field("type") { $0.string("push") }
                json.field("event") { $0.string(name) }
                json.field("data") { $0.raw(data) }
            }
        }
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
