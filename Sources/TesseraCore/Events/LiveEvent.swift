import Foundation

/// Something a user's live connections hear about: one of their sessions ended, they
/// signed in on another device, or an app pushed them a message.
///
/// Events are best effort: the session store stays the truth, and a client that
/// reconnects asks `GET /api/session` where it stands.
/// ```swift
/// let kicked = LiveEvent(userID: user.id, sessionID: session.id, kind: .sessionEnded(.kickedOut))
/// try await bus.publish(kicked)
/// ```
public struct LiveEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The session `sessionID` names ended; its sockets hear why, then close.
        case sessionEnded(RefusalReason)
        /// The session `sessionID` names started; the user's other sessions hear of it.
        case sessionCreated(device: String, deviceName: String?, ip: String?)
        /// An app's message to every live connection of the user; `data` is JSON text.
        case push(event: String, data: String)
    }

    public var userID: String
    /// The session the event is about; nil for a push.
    public var sessionID: String?
    public var kind: Kind

    public init(userID: String, sessionID: String?, kind: Kind) {
        self.userID = userID
        self.sessionID = sessionID
        self.kind = kind
    }

    /// Whether the connection of session `session` should hear this event.
    public func concerns(session: String) -> Bool {
        switch kind {
        case .sessionEnded: return sessionID == session
        case .sessionCreated: return sessionID != session
        case .push: return true
        }
    }
}

extension LiveEvent {
    /// The form events travel in between nodes: one JSON object per event.
    public func encoded() -> [UInt8] {
        (try? JSONEncoder().encode(Wire(self))).map(Array.init) ?? []
    }

    /// An event from its ``encoded()`` form, or nil when the bytes are not one.
    public init?(decoding bytes: some Collection<UInt8>) {
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(bytes)), let event = wire.liveEvent else { return nil }
        self = event
    }

    private struct Wire: Codable {
        var type: String
        var userID: String
        var sessionID: String?
        var reason: String?
        var device: String?
        var deviceName: String?
        var ip: String?
        var event: String?
        var data: String?

        init(_ event: LiveEvent) {
            userID = event.userID
            sessionID = event.sessionID
            switch event.kind {
            case .sessionEnded(let why):
                type = "session.ended"
                reason = why.rawValue
            case .sessionCreated(let device, let deviceName, let ip):
                type = "session.created"
                self.device = device
                self.deviceName = deviceName
                self.ip = ip
            case .push(let name, let data):
                type = "push"
                self.event = name
                self.data = data
            }
        }

        var liveEvent: LiveEvent? {
            let kind: LiveEvent.Kind
            switch type {
            case "session.ended":
                guard let reason = reason.flatMap(RefusalReason.init(rawValue:)) else { return nil }
                kind = .sessionEnded(reason)
            case "session.created":
                guard let device else { return nil }
                kind = .sessionCreated(device: device, deviceName: deviceName, ip: ip)
            case "push":
                guard let name = event, let data else { return nil }
                kind = .push(event: name, data: data)
            default:
                return nil
            }
            return LiveEvent(userID: userID, sessionID: sessionID, kind: kind)
        }
    }
}
