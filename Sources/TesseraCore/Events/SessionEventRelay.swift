import Logging

/// Turns what a ``SessionService`` does into live events on a bus: `session.ended` for
/// every session it ends, so every node closes that session's sockets, and
/// `session.created` for every login, so the user's other sessions hear of it.
///
/// Publishing is best effort: a session ended while the bus is down is still ended, and
/// its sockets learn of it at their next session check.
/// ```swift
/// let relay = SessionEventRelay(bus: bus, logger: logger)
/// sessions.endings.add(relay)
/// sessions.starts.add(relay)
/// ```
public struct SessionEventRelay: SessionEndObserver, SessionStartObserver {
    let bus: any EventBus
    let logger: Logger

    public init(bus: any EventBus, logger: Logger) {
        self.bus = bus
        self.logger = logger
    }

    public func sessionsEnded(_ endings: [SessionEnding]) async {
        for ending in endings where !ending.userID.isEmpty {
            await publish(LiveEvent(userID: ending.userID, sessionID: ending.sessionID, kind: .sessionEnded(ending.reason)))
        }
    }

    public func sessionStarted(_ session: Session) async {
        guard let userID = session.userID else { return }
        let kind = LiveEvent.Kind.sessionCreated(device: session.device, deviceName: session.deviceName, ip: session.ip)
        await publish(LiveEvent(userID: userID, sessionID: session.id, kind: kind))
    }

    private func publish(_ event: LiveEvent) async {
        do {
            try await bus.publish(event)
        } catch {
            logger.warning("live event not published", metadata: ["session": "\(event.sessionID ?? "-")", "error": "\(error)"])
        }
    }
}
