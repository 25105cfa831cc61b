import Foundation
import Logging
import TesseraCore

/// Finds the sessions with single-logout registrations that ended without
/// ``SessionService`` hearing of it — they expired — and queues their logout requests.
/// Sessions are looked at through the user's session list, which never renews them.
///
/// ```swift
/// let sweep = LogoutSweep(outbox: outbox, sessions: sessions, logger: logger)
/// try await sweep.run(every: .seconds(60))
/// ```
public struct LogoutSweep: Sendable {
    public let outbox: any LogoutOutbox
    public let sessions: SessionService
    public let logger: Logger

    public init(outbox: any LogoutOutbox, sessions: SessionService, logger: Logger) {
        self.outbox = outbox
        self.sessions = sessions
        self.logger = logger
    }

    public func run(every interval: Duration) async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            do {
                try await sweep()
            } catch {
                logger.warning("single logout sweep failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One pass; returns how many logout requests it queued.
    @discardableResult
    public func sweep() async throws -> Int {
        let registered = try await outbox.registeredSessions()
        var ended: [String] = []
        for (userID, group) in Dictionary(grouping: registered, by: \.userID) {
            let live = Set(try await sessions.sessions(of: userID).map(\.id))
            ended += group.map(\.sessionID).filter { !live.contains($0) }
        }
        guard !ended.isEmpty else { return 0 }
        let queued = try await outbox.queueLogouts(ofSessions: ended, now: sessions.clock.now())
        logger.info("single logout queued for ended sessions", metadata: ["sessions": "\(ended.count)", "requests": "\(queued)"])
        return queued
    }
}
