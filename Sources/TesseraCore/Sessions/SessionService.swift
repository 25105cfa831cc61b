import Foundation

/// The session rules in one place: issuing tokens, resolving a presented token to a session
/// or a refusal reason, and ending sessions. Stateless; the store holds everything.
///
/// ```swift
/// let sessions = SessionService(tokens: tokens, store: MemorySessionStore(), policy: SessionPolicy())
/// let started = try await sessions.start(for: user.id, device: "web", deviceName: nil, ip: ip, userAgent: ua)
/// switch try await sessions.resolve(token: presented) { … }
/// ```
public struct SessionService: Sendable {
    public let tokens: SessionTokens
    public let store: any SessionStore
    public let policy: SessionPolicy
    public let clock: any WallClock

    public init(tokens: SessionTokens, store: any SessionStore, policy: SessionPolicy, clock: any WallClock = SystemWallClock()) {
        self.tokens = tokens
        self.store = store
        self.policy = policy
        self.clock = clock
    }

    public struct Started: Sendable {
        public var token: String
        public var session: Session
        public var replaced: [String]
    }

    public func owner(of userID: String) -> SessionOwner {
        SessionOwner(userID: userID, tag: tokens.tag(forUserID: userID))
    }

    /// A new session with a new token; throws ``TesseraError/sessionLimit`` under `reject`.
    public func start(for userID: String, device: String, deviceName: String?, ip: String?, userAgent: String?) async throws -> Started {
        let issued = tokens.issue(forUserID: userID)
        let draft = SessionDraft(ref: issued.ref, userID: userID, device: device, deviceName: deviceName, ip: ip, userAgent: userAgent)
        do {
            let created = try await store.create(draft, policy: policy, now: clock.now())
            return Started(token: issued.token, session: created.session, replaced: created.replaced)
        } catch SessionStoreError.limitReached {
            throw TesseraError.sessionLimit
        } catch SessionStoreError.unavailable {
            throw TesseraError.storeUnavailable
        }
    }

    /// The live session a token names, or why there is none. No token and a bad MAC are
    /// answered without touching the store.
    public func resolve(token: String?) async throws -> SessionCheck {
        guard let token, !token.isEmpty else { return .refused(.notLoggedIn) }
        guard let ref = tokens.parse(token) else { return .refused(.invalidToken) }
        return try await check(ref)
    }

    /// The live session `ref` names, or why there is none.
    public func check(_ ref: SessionRef) async throws -> SessionCheck {
        try await unavailableAsError { try await store.check(ref, policy: policy, now: clock.now()) }
    }

    /// Ends the session a token names. Returns false when it was not live.
    @discardableResult
    public func end(token: String, reason: RefusalReason) async throws -> Bool {
        guard let ref = tokens.parse(token) else { return false }
        return try await unavailableAsError { try await store.end(ref, reason: reason, userID: nil, policy: policy, now: clock.now()) } != nil
    }

    /// Ends one of a user's sessions by its public id. Returns false when it was not theirs or not live.
    @discardableResult
    public func end(sessionID: String, of userID: String, reason: RefusalReason) async throws -> Bool {
        guard Self.isWellFormedSessionID(sessionID) else { return false }
        let ref = SessionRef(tag: tokens.tag(forUserID: userID), id: sessionID)
        return try await unavailableAsError { try await store.end(ref, reason: reason, userID: userID, policy: policy, now: clock.now()) } != nil
    }

    @discardableResult
    public func endAll(of userID: String, reason: RefusalReason, except: String? = nil, device: String? = nil) async throws -> [String] {
        try await unavailableAsError {
            try await store.endAll(of: owner(of: userID), reason: reason, except: except, device: device, policy: policy, now: clock.now())
        }
    }

    public func sessions(of userID: String) async throws -> [Session] {
        try await unavailableAsError { try await store.sessions(of: owner(of: userID), now: clock.now()) }
    }

    /// Session ids are 32 lower-case hex characters; anything else cannot name a session.
    public static func isWellFormedSessionID(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private func unavailableAsError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch SessionStoreError.unavailable {
            throw TesseraError.storeUnavailable
        }
    }
}
