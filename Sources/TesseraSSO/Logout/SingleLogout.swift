import Logging
import TesseraCore

/// Hears of every session ``SessionService`` ends and queues the logout requests of the
/// services that validated its tickets; the ``LogoutDispatcher`` sends them. It only
/// queues, so the request that ended the session does not wait for any service.
///
/// When the outbox cannot be reached the registrations stay where they are, and the
/// ``LogoutSweep`` queues them once it sees the session gone.
/// ```swift
/// sessions.endings.add(SingleLogout(outbox: outbox, clock: clock, logger: logger))
/// ```
public struct SingleLogout: SessionEndObserver {
    public let outbox: any LogoutOutbox
    public let clock: any WallClock
    public let logger: Logger

    public init(outbox: any LogoutOutbox, clock: any WallClock, logger: Logger) {
        self.outbox = outbox
        self.clock = clock
        self.logger = logger
    }

    public func sessionsEnded(_ endings: [SessionEnding]) async {
        do {
            let queued = try await outbox.queueLogouts(ofSessions: endings.map(\.sessionID), now: clock.now())
            if queued > 0 { logger.debug("single logout queued", metadata: ["requests": "\(queued)"]) }
        } catch {
            logger.warning("single logout not queued; the sweep will retry", metadata: ["error": "\(error)"])
        }
    }
}
