import Foundation
import TesseraCore

/// One session as ``MemorySessionStore`` holds it: the fields of ``Session`` without copies
/// of their own, and the session's data.
///
/// The id is its 128 bits; the device type, device name and user agent are handles into the
/// store's ``InternedStrings``; the user id is the copy the user's index holds. The address
/// keeps its own string: addresses are mostly one per session, and an IPv4 address fits in
/// a string's 15 inline bytes, so sharing it would cost more than it saves. The times stay
/// `Date`s, as the session was created with them, so a check returns them unchanged.
struct MemorySessionRecord {
    var id: PackedSessionID
    var userID: String?
    var ip: String?
    var createdAt: Date
    var lastSeenAt: Date
    var absoluteExpiresAt: Date
    var idleTimeout: Duration
    var data: [String: String] = [:]
    var device: InternedStrings.Handle
    var deviceName: InternedStrings.Handle?
    var userAgent: InternedStrings.Handle?

    /// The record of `session`, holding its shared strings in `strings` until ``release(from:)``.
    init(_ session: Session, id: PackedSessionID, strings: inout InternedStrings) {
        self.id = id
        userID = session.userID
        ip = session.ip
        createdAt = session.createdAt
        lastSeenAt = session.lastSeenAt
        absoluteExpiresAt = session.absoluteExpiresAt
        idleTimeout = session.idleTimeout
        device = strings.retain(session.device)
        deviceName = session.deviceName.map { strings.retain($0) }
        userAgent = session.userAgent.map { strings.retain($0) }
    }

    var isAnonymous: Bool { userID == nil }

    /// ``Session/expiresAt``: the earlier of idle and absolute expiry.
    var expiresAt: Date {
        min(lastSeenAt.addingTimeInterval(idleTimeout.seconds), absoluteExpiresAt)
    }

    /// The session this record holds; `id` is its id as text (the caller usually has it
    /// at hand, in the ``SessionRef`` it looked the record up with).
    func session(id: String, strings: InternedStrings) -> Session {
        Session(
            id: id, userID: userID, device: strings[device], deviceName: deviceName.map { strings[$0] }, ip: ip,
            userAgent: userAgent.map { strings[$0] }, createdAt: createdAt, lastSeenAt: lastSeenAt,
            absoluteExpiresAt: absoluteExpiresAt, idleTimeout: idleTimeout)
    }

    /// Lets go of the shared strings; once, when the record leaves the store.
    func release(from strings: inout InternedStrings) {
        strings.release(device)
        if let deviceName { strings.release(deviceName) }
        if let userAgent { strings.release(userAgent) }
    }
}
