import Foundation

/// The session rules in one place: issuing tokens, resolving a presented token to a session
/// or a refusal reason, ending sessions, and the data sessions hold. Stateless; the store
/// holds everything.
///
/// ```swift
/// let sessions = SessionService(tokens: tokens, store: MemorySessionStore(), policy: SessionPolicy())
/// let visitor = try await sessions.startAnonymous(ip: ip, userAgent: ua, key: "cart", value: #"["book"]"#)
/// let started = try await sessions.start(
///     for: user.id, device: "web", deviceName: nil, ip: ip, userAgent: ua, takingDataFrom: visitor.token)
/// switch try await sessions.resolve(token: started.token) { … }
/// try await sessions.attribute("cart", of: started.ref)   // #"["book"]"#
/// ```
public struct SessionService: Sendable {
    public let tokens: SessionTokens
    public let store: any SessionStore
    public let policy: SessionPolicy
    public let clock: any WallClock
    /// Who hears of the sessions this service ends.
    public let endings = ObserverList<any SessionEndObserver>()
    /// Who hears of the sessions this service starts for users.
    public let starts = ObserverList<any SessionStartObserver>()

    public init(
        tokens: SessionTokens, store: any SessionStore, policy: SessionPolicy, clock: any WallClock = SystemWallClock()
    ) {
        self.tokens = tokens
        self.store = store
        self.policy = policy
        self.clock = clock
    }

    public struct Started: Sendable {
        public var token: String
        public var ref: SessionRef
        public var session: Session
        public var replaced: [String]
        /// How many attributes came over from the anonymous session presented at login.
        public var carried = 0
        /// How many attributes of that session were dropped because they no longer fit the
        /// data limits (only possible when the limits were lowered meanwhile).
        public var dropped = 0
    }

    public func owner(of userID: String) -> SessionOwner {
        SessionOwner(userID: userID, tag: tokens.tag(forUserID: userID))
    }

    /// A new session with a new token; throws ``TesseraError/sessionLimit`` under `reject`.
    ///
    /// With `takingDataFrom`, the token of a live anonymous session, that session's data moves
    /// into the new one and the anonymous session ends `LOGGED_OUT`: its token is never
    /// adopted. The two sessions live in different Redis Cluster slots, so this cannot be one
    /// script; it is three calls, in this order: the new session is created (a refusal leaves
    /// the anonymous one untouched), then the anonymous session is read and ended in one
    /// atomic call, then its data is written into the new session before its token is handed
    /// out. If the store fails between the last two calls the login fails and the data is
    /// lost, never left behind the old token.
    /// A token that names a user's session, or nothing live, carries nothing.
    public func start(
        for userID: String, device: String, deviceName: String?, ip: String?, userAgent: String?,
        takingDataFrom anonymousToken: String? = nil
    ) async throws -> Started {
        let issued = tokens.issue(forUserID: userID)
        let draft = SessionDraft(ref: issued.ref, userID: userID, device: device, deviceName: deviceName, ip: ip, userAgent: userAgent)
        let created = try await storeCall { try await store.create(draft, policy: policy, now: clock.now()) }
        var started = Started(token: issued.token, ref: issued.ref, session: created.session, replaced: created.replaced)
        await notify(created.replaced.map { SessionEnding(userID: userID, sessionID: $0, reason: .replaced) })
        for observer in starts.all { await observer.sessionStarted(created.session) }
        if let anonymousToken, let anonymous = tokens.parse(anonymousToken) {
            try await carry(from: anonymous, into: &started)
        }
        return started
    }

    /// A session without a user that holds one attribute: what a visitor's first data write
    /// creates. The key and value are checked first, so a refused write creates nothing.
    public func startAnonymous(ip: String?, userAgent: String?, key: String, value: String) async throws -> Started {
        try Self.requireValidKey(key)
        if let broken = policy.data.exceeded(writing: [key: value], over: [:]) {
            throw TesseraError.sessionDataTooLarge(broken)
        }
        let issued = tokens.issue(tag: SessionTokens.randomTag())
        let session = try await storeCall {
            try await store.createAnonymous(issued.ref, ip: ip, userAgent: userAgent, policy: policy, now: clock.now())
        }
        try await storeCall { try await store.setAttributes([key: value], of: issued.ref, policy: policy, now: clock.now()) }
        return Started(token: issued.token, ref: issued.ref, session: session, replaced: [])
    }

    private func carry(from anonymous: SessionRef, into started: inout Started) async throws {
        let taken = try await storeCall { try await store.takeAnonymous(anonymous, reason: .loggedOut, policy: policy, now: clock.now()) }
        guard let taken, !taken.isEmpty else { return }
        do {
            try await storeCall { try await store.setAttributes(taken, of: started.ref, policy: policy, now: clock.now()) }
            started.carried = taken.count
        } catch TesseraError.sessionDataTooLarge {
            started.dropped = taken.count
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
        try await storeCall { try await store.check(ref, policy: policy, now: clock.now()) }
    }

    /// ``check(_:)``, and the session's account when the store has a copy at hand (see
    /// ``SessionStore/checkReadingAccount(_:policy:now:)``); the hot path of every request.
    public func checkReadingAccount(_ ref: SessionRef) async throws -> (SessionCheck, User?) {
        try await storeCall { try await store.checkReadingAccount(ref, policy: policy, now: clock.now()) }
    }

    /// The live session `ref` names, or why there is none, without counting as activity: a
    /// watcher (a live-events socket) must not keep an idle session alive. For sessions of
    /// users; an anonymous session still renews at its own interval.
    public func peek(_ ref: SessionRef) async throws -> SessionCheck {
        var quiet = policy
        quiet.renewalInterval = policy.absoluteTimeout
        return try await storeCall { try await store.check(ref, policy: quiet, now: clock.now()) }
    }

    /// Ends the session a token names. Returns false when it was not live.
    @discardableResult
    public func end(token: String, reason: RefusalReason) async throws -> Bool {
        guard let ref = tokens.parse(token) else { return false }
        let owner = try await storeCall { try await store.end(ref, reason: reason, userID: nil, policy: policy, now: clock.now()) }
        guard let owner else { return false }
        await notify([SessionEnding(userID: owner, sessionID: ref.id, reason: reason)])
        return true
    }

    /// Ends one of a user's sessions by its public id. Returns false when it was not theirs or not live.
    @discardableResult
    public func end(sessionID: String, of userID: String, reason: RefusalReason) async throws -> Bool {
        guard Self.isWellFormedSessionID(sessionID) else { return false }
        let ref = SessionRef(tag: tokens.tag(forUserID: userID), id: sessionID)
        let owner = try await storeCall { try await store.end(ref, reason: reason, userID: userID, policy: policy, now: clock.now()) }
        guard owner != nil else { return false }
        await notify([SessionEnding(userID: userID, sessionID: sessionID, reason: reason)])
        return true
    }

    /// Ends the user's sessions (all, all but `except`, or those of one device type) and
    /// returns the ids of those ended.
    @discardableResult
    public func endAll(of userID: String, reason: RefusalReason, except: String? = nil, device: String? = nil) async throws -> [String] {
        let ended = try await storeCall {
            try await store.endAll(of: owner(of: userID), reason: reason, except: except, device: device, policy: policy, now: clock.now())
        }
        await notify(ended.map { SessionEnding(userID: userID, sessionID: $0, reason: reason) })
        return ended
    }

    public func sessions(of userID: String) async throws -> [Session] {
        try await storeCall { try await store.sessions(of: owner(of: userID), now: clock.now()) }
    }

    private func notify(_ ended: [SessionEnding]) async {
        guard !ended.isEmpty else { return }
        for observer in endings.all { await observer.sessionsEnded(ended) }
    }

    /// Every attribute of the session `ref` names.
    public func attributes(of ref: SessionRef) async throws -> [String: String] {
        try await storeCall { try await store.attributes(of: ref, now: clock.now()) }
    }

    /// One attribute; nil when there is none under `key`.
    public func attribute(_ key: String, of ref: SessionRef) async throws -> String? {
        try Self.requireValidKey(key)
        return try await storeCall { try await store.attribute(key, of: ref, now: clock.now()) }
    }

    /// Writes one attribute; throws ``TesseraError/sessionDataTooLarge(_:)`` when it does not
    /// fit, leaving the session as it was.
    public func setAttribute(_ key: String, to value: String, of ref: SessionRef) async throws {
        try Self.requireValidKey(key)
        try await storeCall { try await store.setAttributes([key: value], of: ref, policy: policy, now: clock.now()) }
    }

    public func removeAttribute(_ key: String, of ref: SessionRef) async throws {
        try Self.requireValidKey(key)
        try await storeCall { try await store.removeAttribute(key, of: ref, now: clock.now()) }
    }

    /// Session ids are 32 lower-case hex characters; anything else cannot name a session.
    public static func isWellFormedSessionID(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func requireValidKey(_ key: String) throws {
        guard SessionDataLimits.isValidKey(key) else {
            throw TesseraError.invalidInput(
                field: "key", message: "A session data key has 1 to \(SessionDataLimits.maximumKeyLength) letters, digits, '.', '_', ':' or '-'.")
        }
    }

    /// The store's refusals in the rules' terms; an unreachable store fails closed.
    private func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SessionStoreError {
            switch error {
            case .unavailable: throw TesseraError.storeUnavailable
            case .limitReached: throw TesseraError.sessionLimit
            case .refused(let reason): throw TesseraError.refused(reason)
            case .dataTooLarge(let limit): throw TesseraError.sessionDataTooLarge(limit)
            }
        }
    }
}
