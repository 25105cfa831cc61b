import Foundation

/// Where sessions live: in memory for one node, in Redis for many.
///
/// Both backends pass one contract suite (`SessionStoreContract` in the tests), so the
/// embedded default and the cluster cannot drift. Every operation on one user's sessions is
/// atomic: 20 simultaneous logins against a limit of 3 leave exactly 3.
///
/// A session also holds data: attributes with string values (the API stores JSON texts),
/// each read and written on its own, so concurrent writers to different attributes never
/// undo each other. A data operation on a session that is not live throws
/// ``SessionStoreError/refused(_:)`` with the reason ``check(_:policy:now:)`` would give;
/// data operations never renew the session (the check each request makes does).
/// ```swift
/// let issued = tokens.issue(forUserID: user.id)
/// let created = try await store.create(
///     SessionDraft(ref: issued.ref, userID: user.id, device: "web", deviceName: nil, ip: ip, userAgent: ua),
///     policy: policy, now: clock.now())
/// switch try await store.check(issued.ref, policy: policy, now: clock.now()) {
/// case .active(let session): …
/// case .refused(let reason): …
/// }
/// try await store.setAttributes(["theme": #""dark""#], of: issued.ref, policy: policy, now: clock.now())
/// ```
public protocol SessionStore: Sendable {
    /// Creates a session under the device policy, ending the sessions it displaces with
    /// `REPLACED`. Throws ``SessionStoreError/limitReached`` when the policy rejects it.
    func create(_ draft: SessionDraft, policy: SessionPolicy, now: Date) async throws -> SessionCreation
    /// Reads a session, renewing it when `policy.renewalInterval` has passed since it was
    /// last seen. A missing session reads as its tombstone's reason, or as expired.
    func check(_ ref: SessionRef, policy: SessionPolicy, now: Date) async throws -> SessionCheck
    /// ``check(_:policy:now:)``, and the session's account when the store keeps a copy of
    /// it beside the session (the Redis store reading the Redis account cache in the same
    /// round trip). A nil account means none was at hand: read it from the account store.
    func checkReadingAccount(_ ref: SessionRef, policy: SessionPolicy, now: Date) async throws -> (SessionCheck, User?)
    /// Ends one session with `reason`. With `userID`, only a session of that user is ended.
    /// Returns the session's user when a live session was ended.
    func end(_ ref: SessionRef, reason: RefusalReason, userID: String?, policy: SessionPolicy, now: Date) async throws -> String?
    /// Ends the user's sessions with `reason`, except `except`, and only those of `device`
    /// when given. Returns the ids of the sessions ended.
    func endAll(of owner: SessionOwner, reason: RefusalReason, except: String?, device: String?, policy: SessionPolicy, now: Date) async throws -> [String]
    /// The user's live sessions, oldest first.
    func sessions(of owner: SessionOwner, now: Date) async throws -> [Session]
    /// Throws ``SessionStoreError/unavailable(_:)`` when the store cannot answer.
    func ping() async throws

    /// Creates a session without a user: no device policy, no index, the anonymous idle
    /// timeout (and the absolute timeout, as every session).
    func createAnonymous(_ ref: SessionRef, ip: String?, userAgent: String?, policy: SessionPolicy, now: Date) async throws -> Session
    /// Ends a live anonymous session with `reason` and returns its data, in one atomic
    /// step, so no write can land in it after its data was read. Nil, changing nothing, when
    /// `ref` names no live anonymous session (a user's session is left alone).
    func takeAnonymous(_ ref: SessionRef, reason: RefusalReason, policy: SessionPolicy, now: Date) async throws -> [String: String]?

    /// Every attribute of the session.
    func attributes(of ref: SessionRef, now: Date) async throws -> [String: String]
    /// One attribute, nil when the session has none under `key`.
    func attribute(_ key: String, of ref: SessionRef, now: Date) async throws -> String?
    /// Writes the attributes, all or none: throws ``SessionStoreError/dataTooLarge(_:)``,
    /// changing nothing, when the session would break `policy.data`.
    func setAttributes(_ attributes: [String: String], of ref: SessionRef, policy: SessionPolicy, now: Date) async throws
    /// Removes one attribute; removing one that is not there is not an error.
    func removeAttribute(_ key: String, of ref: SessionRef, now: Date) async throws
}

extension SessionStore {
    /// A store that keeps no accounts answers the check alone.
    public func checkReadingAccount(_ ref: SessionRef, policy: SessionPolicy, now: Date) async throws -> (SessionCheck, User?) {
        (try await check(ref, policy: policy, now: now), nil)
    }
}

public struct SessionCreation: Sendable, Equatable {
    public var session: Session
    /// Ids of the sessions this login displaced.
    public var replaced: [String]

    public init(session: Session, replaced: [String]) {
        self.session = session
        self.replaced = replaced
    }
}

public enum SessionCheck: Sendable, Equatable {
    case active(Session)
    case refused(RefusalReason)
}

public enum SessionStoreError: Error, Equatable {
    /// The device policy is `reject` and the user holds the maximum already.
    case limitReached
    /// A data operation found no live session; the reason is what a check would answer.
    case refused(RefusalReason)
    /// A data write would break this limit; nothing was written.
    case dataTooLarge(SessionDataLimit)
    /// The store cannot be reached; callers fail closed (503), never log people out.
    case unavailable(String)
}
