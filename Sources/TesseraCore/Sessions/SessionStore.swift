import Foundation

/// Where sessions live: in memory for one node, in Redis for many.
///
/// Both backends pass one contract suite (`SessionStoreContract` in the tests), so the
/// embedded default and the cluster cannot drift. Every operation on one user's sessions is
/// atomic: 20 simultaneous logins against a limit of 3 leave exactly 3.
/// ```swift
/// let issued = tokens.issue(forUserID: user.id)
/// let created = try await store.create(
///     SessionDraft(ref: issued.ref, userID: user.id, device: "web", deviceName: nil, ip: ip, userAgent: ua),
///     policy: policy, now: clock.now())
/// switch try await store.check(issued.ref, policy: policy, now: clock.now()) {
/// case .active(let session): …
/// case .refused(let reason): …
/// }
/// ```
public protocol SessionStore: Sendable {
    /// Creates a session under the device policy, ending the sessions it displaces with
    /// `REPLACED`. Throws ``SessionStoreError/limitReached`` when the policy rejects it.
    func create(_ draft: SessionDraft, policy: SessionPolicy, now: Date) async throws -> SessionCreation
    /// Reads a session, renewing it when `policy.renewalInterval` has passed since it was
    /// last seen. A missing session reads as its tombstone's reason, or as expired.
    func check(_ ref: SessionRef, policy: SessionPolicy, now: Date) async throws -> SessionCheck
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
    /// The store cannot be reached; callers fail closed (503), never log people out.
    case unavailable(String)
}
