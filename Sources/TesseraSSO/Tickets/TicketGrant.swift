import Foundation

/// What a service ticket stands for: who logged in, in which session, for which service URL,
/// and until when the ticket may be validated.
///
/// ```swift
/// let grant = TicketGrant(
///     service: match.url.text, serviceID: match.service.id, userID: user.id, sessionID: session.id,
///     authenticatedAt: session.createdAt, fromNewLogin: true, expiresAt: now.addingTimeInterval(10))
/// ```
public struct TicketGrant: Sendable, Equatable {
    /// The service URL exactly as the ticket was issued for; validation must present the same.
    public var service: String
    public var serviceID: String
    public var userID: String
    /// The public id of the Tessera session, the SSO session.
    public var sessionID: String
    /// When the user typed their password for that session.
    public var authenticatedAt: Date
    /// Whether the ticket came straight from a login form rather than from an existing session.
    public var fromNewLogin: Bool
    public var expiresAt: Date

    public init(
        service: String, serviceID: String, userID: String, sessionID: String, authenticatedAt: Date, fromNewLogin: Bool,
        expiresAt: Date
    ) {
        self.service = service
        self.serviceID = serviceID
        self.userID = userID
        self.sessionID = sessionID
        self.authenticatedAt = authenticatedAt
        self.fromNewLogin = fromNewLogin
        self.expiresAt = expiresAt
    }
}
