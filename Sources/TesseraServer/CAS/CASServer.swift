import Foundation
import TesseraCore
import TesseraSSO

/// The CAS side of a node: the registered services, where tickets wait for validation, where
/// single-logout registrations and requests are kept, and how long each may take.
///
/// ```swift
/// let ticket = try await services.cas.issueTicket(for: match, session: session, fromNewLogin: true, now: now)
/// let location = CASServer.location(of: match, ticket: ticket)
/// ```
public struct CASServer: Sendable {
    public let registry: ServiceRegistry
    public let tickets: any ServiceTicketStore
    public let outbox: any LogoutOutbox
    public let ticketLifetime: Duration
    public let logoutPolicy: LogoutRetryPolicy
    public let sweepInterval: Duration

    public init(
        registry: ServiceRegistry, tickets: any ServiceTicketStore, outbox: any LogoutOutbox, ticketLifetime: Duration,
        logoutPolicy: LogoutRetryPolicy, sweepInterval: Duration
    ) {
        self.registry = registry
        self.tickets = tickets
        self.outbox = outbox
        self.ticketLifetime = ticketLifetime
        self.logoutPolicy = logoutPolicy
        self.sweepInterval = sweepInterval
    }

    /// A new service ticket for the user's session and the matched service URL.
    func issueTicket(for match: ServiceRegistry.Match, session: Session, userID: String, fromNewLogin: Bool, now: Date) async throws -> ServiceTicket {
        let ticket = ServiceTicket.issue()
        let grant = TicketGrant(
            service: match.url.text, serviceID: match.service.id, userID: userID, sessionID: session.id,
            authenticatedAt: session.createdAt, fromNewLogin: fromNewLogin, expiresAt: now.addingTimeInterval(ticketLifetime.seconds))
        do {
            try await tickets.save(grant, under: ticket.storageKey, now: now)
        } catch is SSOStoreError {
            throw TesseraError.storeUnavailable
        }
        return ticket
    }

    /// The service URL with the ticket appended as the `ticket` query parameter.
    static func location(of match: ServiceRegistry.Match, ticket: ServiceTicket?) -> String {
        guard let ticket else { return match.url.text }
        return match.url.text + (match.url.text.contains("?") ? "&" : "?") + "ticket=" + ticket.text
    }
}
