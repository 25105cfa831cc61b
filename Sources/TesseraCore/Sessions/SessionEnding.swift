/// A session that ended, and why: what single logout and live events react to.
public struct SessionEnding: Sendable, Equatable {
    public var userID: String
    /// The session's public id.
    public var sessionID: String
    public var reason: RefusalReason

    public init(userID: String, sessionID: String, reason: RefusalReason) {
        self.userID = userID
        self.sessionID = sessionID
        self.reason = reason
    }
}

/// Told about every session that ``SessionService`` ends — logout, revocation, kick-out,
/// disable, replacement at login, password reset. Expiry is not an event the store reports;
/// observers that care sweep for it.
///
/// Called after the store has acknowledged the end and before the request that caused it
/// answers, so an observer must only hand the endings on (queue, publish) and return.
/// ```swift
/// struct AuditLog: SessionEndObserver {
///     func sessionsEnded(_ endings: [SessionEnding]) async { for e in endings { log(e) } }
/// }
/// sessions.endings.add(AuditLog())
/// ```
public protocol SessionEndObserver: Sendable {
    func sessionsEnded(_ endings: [SessionEnding]) async
}

/// Told about every session ``SessionService`` starts for a user (anonymous sessions are
/// not told). The same rule as for endings: hand it on and return.
public protocol SessionStartObserver: Sendable {
    func sessionStarted(_ session: Session) async
}
