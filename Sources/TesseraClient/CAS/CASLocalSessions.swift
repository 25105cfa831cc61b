import Foundation
import TesseraCore

/// The app's own sessions in CAS mode: one per validated ticket, in this process's memory,
/// keyed by a random 256-bit id the browser holds in a cookie. A single-logout request names
/// the ticket, which finds the session to end.
///
/// ```swift
/// let sessions = CASLocalSessions(lifetime: .seconds(8 * 3600))
/// let id = await sessions.start(identity, ticket: "ST-…")
/// await sessions.end(ticket: "ST-…")        // from the logout request
/// await sessions.lookup(id)                 // .refused(.loggedOut)
/// ```
public actor CASLocalSessions {
    struct Entry {
        var identity: TesseraIdentity
        var ticket: String
        var expiresAt: Date
    }

    private let lifetime: Duration
    private var live: [String: Entry] = [:]
    private var byTicket: [String: String] = [:]
    /// Sessions ended by single logout, kept until they would have expired anyway, so the
    /// app can say `LOGGED_OUT` rather than `NOT_LOGGED_IN`.
    private var ended: [String: Date] = [:]

    public init(lifetime: Duration = .seconds(8 * 3600)) {
        self.lifetime = lifetime
    }

    /// Starts a session for `identity` and returns its id, the cookie's value. The
    /// identity's `sessionID` becomes this local session's public id (a SHA-256 prefix of
    /// the cookie's value, as Tessera derives its own), since CAS does not reveal Tessera's.
    public func start(_ identity: TesseraIdentity, ticket: String, now: Date = Date()) -> String {
        purge(now: now)
        let id = Base64URL.encode(SecureRandom.bytes(32))
        var identity = identity
        identity.sessionID = SessionTokens.sessionID(of: id)
        live[id] = Entry(identity: identity, ticket: ticket, expiresAt: now.addingTimeInterval(lifetime.seconds))
        byTicket[ticket] = id
        return id
    }

    public func lookup(_ id: String, now: Date = Date()) -> TesseraSessionCheck {
        if let entry = live[id], entry.expiresAt > now { return .accepted(entry.identity) }
        if let until = ended[id], until > now { return .refused(.loggedOut) }
        return .refused(.sessionExpired)
    }

    /// Ends the session started with `ticket`; false when there is none.
    @discardableResult
    public func end(ticket: String, now: Date = Date()) -> Bool {
        guard let id = byTicket.removeValue(forKey: ticket), let entry = live.removeValue(forKey: id) else { return false }
        ended[id] = entry.expiresAt
        return true
    }

    /// Ends the session `id` names (the app's own logout).
    public func end(id: String) {
        guard let entry = live.removeValue(forKey: id) else { return }
        byTicket[entry.ticket] = nil
        ended[id] = entry.expiresAt
    }

    private func purge(now: Date) {
        for (id, entry) in live where entry.expiresAt <= now {
            live[id] = nil
            byTicket[entry.ticket] = nil
        }
        ended = ended.filter { $0.value > now }
    }
}
