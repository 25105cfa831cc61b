import Foundation

/// Which services validated a ticket of which session, and the logout requests waiting to be
/// delivered: in memory for one node, in Redis (durable, shared by every node) for many.
/// Both backends pass one contract suite (`LogoutOutboxContractTests`).
///
/// A validation ``register(_:now:)``s; when a session ends its registrations move, in one
/// atomic step, into the queue (``queueLogouts(ofSessions:now:)``); the dispatcher
/// ``claim(now:limit:lease:)``s due deliveries — a claim hides them for the lease, so a node
/// that dies mid-delivery leaves them to be claimed again — and then ``complete(_:)``s or
/// ``retry(_:at:)``s each. Stores throw ``SSOStoreError/unavailable(_:)`` when they cannot answer.
/// ```swift
/// try await outbox.register(LogoutRegistration(userID: u, sessionID: s, serviceID: "shop", serviceURL: url, ticket: t), now: now)
/// try await outbox.queueLogouts(ofSessions: [s], now: now)
/// for delivery in try await outbox.claim(now: now, limit: 32, lease: .seconds(30)) { … }
/// ```
public protocol LogoutOutbox: Sendable {
    func register(_ registration: LogoutRegistration, now: Date) async throws
    /// Queues one delivery, due at `now`, per registration of these sessions, and forgets the
    /// registrations. Returns how many were queued.
    @discardableResult
    func queueLogouts(ofSessions sessionIDs: [String], now: Date) async throws -> Int
    /// The sessions that hold registrations, with their users: what the expiry sweep checks.
    func registeredSessions() async throws -> [RegisteredSession]
    /// Up to `limit` deliveries due at `now`, each counted as one more attempt and hidden
    /// from other claims for `lease`.
    func claim(now: Date, limit: Int, lease: Duration) async throws -> [LogoutDelivery]
    /// Forgets a delivery: it was delivered, or given up.
    func complete(_ id: String) async throws
    /// Makes a claimed delivery due again at `at`.
    func retry(_ id: String, at: Date) async throws
}

/// A service that validated a ticket of a session.
public struct LogoutRegistration: Sendable, Equatable {
    public var userID: String
    public var sessionID: String
    public var serviceID: String
    public var serviceURL: String
    public var ticket: String

    public init(userID: String, sessionID: String, serviceID: String, serviceURL: String, ticket: String) {
        self.userID = userID
        self.sessionID = sessionID
        self.serviceID = serviceID
        self.serviceURL = serviceURL
        self.ticket = ticket
    }
}

public struct RegisteredSession: Sendable, Hashable {
    public var userID: String
    public var sessionID: String

    public init(userID: String, sessionID: String) {
        self.userID = userID
        self.sessionID = sessionID
    }
}

/// A logout request to deliver. Its id is the ticket it names: one delivery per validated ticket.
public struct LogoutDelivery: Sendable, Equatable {
    public var id: String { ticket }
    public var serviceID: String
    public var serviceURL: String
    public var ticket: String
    /// Attempts so far, this one included.
    public var attempts: Int

    public init(serviceID: String, serviceURL: String, ticket: String, attempts: Int) {
        self.serviceID = serviceID
        self.serviceURL = serviceURL
        self.ticket = ticket
        self.attempts = attempts
    }
}
