import Foundation

/// Where service tickets wait for their one validation: in memory for one node, in Redis
/// for many. Both backends pass one contract suite (`ServiceTicketStoreContractTests`).
///
/// Keys are ``ServiceTicket/storageKey``s. ``take(_:now:)`` is atomic: of any number of
/// concurrent takes of one ticket exactly one gets the grant, and a taken ticket is gone
/// whether its validation then succeeds or fails. Expiry is decided by the grant's
/// `expiresAt` against the caller's `now`, not by the store's clock. Stores throw
/// ``SSOStoreError/unavailable(_:)`` when they cannot answer.
/// ```swift
/// try await store.save(grant, under: ticket.storageKey, now: clock.now())
/// let grant = try await store.take(ticket.storageKey, now: clock.now())   // nil the second time
/// ```
public protocol ServiceTicketStore: Sendable {
    func save(_ grant: TicketGrant, under key: String, now: Date) async throws
    /// Removes the ticket and returns its grant; nil when there is none or it has expired.
    func take(_ key: String, now: Date) async throws -> TicketGrant?
}

/// The SSO stores' one failure: the store cannot be reached. Callers fail closed.
public enum SSOStoreError: Error, Equatable {
    case unavailable(String)
}
