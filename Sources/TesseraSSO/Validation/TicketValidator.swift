import Foundation

/// The CAS rules of validating a service ticket: the ticket is taken from the store first —
/// so it is spent whatever happens next — then checked against the service and `renew`.
///
/// Whether the ticket's session is still live is the caller's question (it owns sessions).
/// ```swift
/// let validator = TicketValidator(store: tickets)
/// switch await validator.validate(ticket: ticket, service: service, renew: false, now: clock.now()) {
/// case .success(let grant): …
/// case .failure(let failure): …   // failure.code is the CAS error code
/// }
/// ```
public struct TicketValidator: Sendable {
    public let store: any ServiceTicketStore

    public init(store: any ServiceTicketStore) {
        self.store = store
    }

    public func validate(ticket: String?, service: String?, renew: Bool, now: Date) async -> Result<TicketGrant, CASFailure> {
        guard let ticketText = ticket, !ticketText.isEmpty, let service, !service.isEmpty else { return .failure(.invalidRequest) }
        // Only a well-formed ticket is echoed back in the description.
        guard let parsed = ServiceTicket(ticketText) else { return .failure(.invalidTicket(ticket: "")) }
        let grant: TicketGrant?
        do {
            grant = try await store.take(parsed.storageKey, now: now)
        } catch {
            return .failure(.internalError)
        }
        guard let grant else { return .failure(.invalidTicket(ticket: parsed.text)) }
        guard grant.service == service else { return .failure(.invalidService(ticket: parsed.text)) }
        if renew && !grant.fromNewLogin { return .failure(.invalidTicketSpec) }
        return .success(grant)
    }
}
