import Foundation
import Synchronization
import TesseraCore

/// Sessions in this process: the embedded default for a single node.
///
/// Behaves exactly as ``RedisSessionStore`` (one contract suite runs against both): the
/// same expiry, renewal, tombstones, device policy, anonymous sessions and data limits, each
/// operation atomic under one lock.
/// Expired entries are dropped when touched and by ``purge(now:)``, which the server calls
/// periodically.
///
/// Laid out for a million sessions in a few hundred megabytes (see docs/BENCHMARKS.md):
/// records side by side in a ``MemorySessionTable`` keyed by the id's 128 bits
/// (``PackedSessionID``), the strings many sessions repeat held once in ``InternedStrings``,
/// and per user a small array of session ids whose key is the one copy of the user id.
/// An id that is not 32 lower-case hex digits names no session: ``SessionTokens`` makes no
/// other.
/// ```swift
/// let store = MemorySessionStore()
/// ```
public final class MemorySessionStore: SessionStore {
    fileprivate struct Tombstone {
        var reason: RefusalReason
        var until: Date
    }

    fileprivate struct State {
        var sessions = MemorySessionTable()
        var strings = InternedStrings()
        var tombstones: [PackedSessionID: Tombstone] = [:]
        var byUser: [String: [PackedSessionID]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func create(_ draft: SessionDraft, policy: SessionPolicy, now: Date) async throws -> SessionCreation {
        let id = Self.newSessionID(draft.ref)
        return try state.withLock { state in
            let live = state.liveSessions(of: draft.userID, now: now)
            let victims = DevicePolicyDecision.victims(among: live, newDevice: draft.device, policy: policy.devices)
            if !victims.isEmpty, policy.devices.overflow == .reject {
                throw SessionStoreError.limitReached
            }
            let until = now.addingTimeInterval(policy.tombstoneLifetime.seconds)
            for victim in victims.compactMap({ PackedSessionID($0.id) }) {
                state.end(victim, reason: .replaced, tombstoneUntil: until)
            }
            let session = Session(
                id: draft.ref.id, userID: draft.userID, device: draft.device, deviceName: draft.deviceName,
                ip: draft.ip, userAgent: draft.userAgent, createdAt: now, lastSeenAt: now,
                absoluteExpiresAt: now.addingTimeInterval(policy.absoluteTimeout.seconds),
                idleTimeout: policy.idleTimeout)
            state.insert(session, as: id)
            return SessionCreation(session: session, replaced: victims.map(\.id))
        }
    }

    public func check(_ ref: SessionRef, policy: SessionPolicy, now: Date) async throws -> SessionCheck {
        state.withLock { state in
            guard let id = PackedSessionID(ref.id) else { return .refused(.sessionExpired) }
            guard var record = state.sessions[id] else {
                return .refused(state.tombstoneReason(id, now: now) ?? .sessionExpired)
            }
            if now >= record.expiresAt {
                state.remove(id)
                return .refused(.sessionExpired)
            }
            let interval = record.isAnonymous ? policy.anonymousRenewalInterval : policy.renewalInterval
            if now.timeIntervalSince(record.lastSeenAt) >= interval.seconds {
                record.lastSeenAt = now
                state.sessions.update(id) { $0.lastSeenAt = now }
            }
            return .active(record.session(id: ref.id, strings: state.strings))
        }
    }

    public func end(_ ref: SessionRef, reason: RefusalReason, userID: String?, policy: SessionPolicy, now: Date) async throws -> String? {
        state.withLock { state in
            guard let id = PackedSessionID(ref.id), let record = state.sessions[id],
                  userID == nil || record.userID == userID
            else { return nil }
            state.end(id, reason: reason, tombstoneUntil: now.addingTimeInterval(policy.tombstoneLifetime.seconds))
            return record.userID
        }
    }

    public func endAll(of owner: SessionOwner, reason: RefusalReason, except: String?, device: String?, policy: SessionPolicy, now: Date) async throws -> [String] {
        state.withLock { state in
            let exception = except.flatMap(PackedSessionID.init)
            let ids = (state.byUser[owner.userID] ?? []).filter { id in
                guard id != exception, let record = state.sessions[id] else { return false }
                return device == nil || state.strings[record.device] == device
            }
            let until = now.addingTimeInterval(policy.tombstoneLifetime.seconds)
            for id in ids { state.end(id, reason: reason, tombstoneUntil: until) }
            return ids.map(\.text).sorted()
        }
    }

    public func sessions(of owner: SessionOwner, now: Date) async throws -> [Session] {
        state.withLock { state in
            state.liveSessions(of: owner.userID, now: now)
        }
    }

    public func ping() async throws {}

    public func createAnonymous(_ ref: SessionRef, ip: String?, userAgent: String?, policy: SessionPolicy, now: Date) async throws -> Session {
        let id = Self.newSessionID(ref)
        let session = Session(
            id: ref.id, userID: nil, device: "web", deviceName: nil, ip: ip, userAgent: userAgent, createdAt: now,
            lastSeenAt: now, absoluteExpiresAt: now.addingTimeInterval(policy.absoluteTimeout.seconds),
            idleTimeout: policy.anonymousIdleTimeout)
        state.withLock { $0.insert(session, as: id) }
        return session
    }

    public func takeAnonymous(_ ref: SessionRef, reason: RefusalReason, policy: SessionPolicy, now: Date) async throws -> [String: String]? {
        state.withLock { state in
            guard let id = PackedSessionID(ref.id), let record = state.sessions[id], record.isAnonymous,
                  now < record.expiresAt
            else { return nil }
            state.end(id, reason: reason, tombstoneUntil: now.addingTimeInterval(policy.tombstoneLifetime.seconds))
            return record.data
        }
    }

    public func attributes(of ref: SessionRef, now: Date) async throws -> [String: String] {
        try state.withLock { state in try state.liveRecord(ref, now: now).data }
    }

    public func attribute(_ key: String, of ref: SessionRef, now: Date) async throws -> String? {
        try state.withLock { state in try state.liveRecord(ref, now: now).data[key] }
    }

    public func setAttributes(_ attributes: [String: String], of ref: SessionRef, policy: SessionPolicy, now: Date) async throws {
        try state.withLock { state in
            let record = try state.liveRecord(ref, now: now)
            if let broken = policy.data.exceeded(writing: attributes, over: record.data) {
                throw SessionStoreError.dataTooLarge(broken)
            }
            state.sessions.update(record.id) { $0.data.merge(attributes) { $1 } }
        }
    }

    public func removeAttribute(_ key: String, of ref: SessionRef, now: Date) async throws {
        try state.withLock { state in
            let record = try state.liveRecord(ref, now: now)
            state.sessions.update(record.id) { $0.data[key] = nil }
        }
    }

    /// Drops expired sessions and tombstones; returns how many sessions expired.
    @discardableResult
    public func purge(now: Date) -> Int {
        state.withLock { state in
            let expired = state.sessions.ids { now >= $0.expiresAt }
            for id in expired { state.remove(id) }
            state.tombstones = state.tombstones.filter { now < $0.value.until }
            return expired.count
        }
    }

    /// How many sessions are held, expired ones not yet purged included.
    public var count: Int { state.withLock { $0.sessions.count } }

    /// The id of a session being created. Every ``SessionRef`` comes from ``SessionTokens``,
    /// so one with another id is a programming error, not input to refuse.
    private static func newSessionID(_ ref: SessionRef) -> PackedSessionID {
        guard let id = PackedSessionID(ref.id) else {
            preconditionFailure("a session id is 32 lower-case hex digits, not \(ref.id)")
        }
        return id
    }
}

extension MemorySessionStore.State {
    fileprivate mutating func liveSessions(of userID: String, now: Date) -> [Session] {
        var live: [Session] = []
        for id in byUser[userID] ?? [] {
            guard let record = sessions[id] else { continue }
            if now >= record.expiresAt { remove(id) } else { live.append(record.session(id: id.text, strings: strings)) }
        }
        return live.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The live session `ref` names, or the refusal a check would answer.
    fileprivate func liveRecord(_ ref: SessionRef, now: Date) throws -> MemorySessionRecord {
        guard let id = PackedSessionID(ref.id) else { throw SessionStoreError.refused(.sessionExpired) }
        guard let record = sessions[id] else {
            throw SessionStoreError.refused(tombstoneReason(id, now: now) ?? .sessionExpired)
        }
        guard now < record.expiresAt else { throw SessionStoreError.refused(.sessionExpired) }
        return record
    }

    fileprivate func tombstoneReason(_ id: PackedSessionID, now: Date) -> RefusalReason? {
        guard let tombstone = tombstones[id], now < tombstone.until else { return nil }
        return tombstone.reason
    }

    /// Stores `session` under `id`, in its user's index too. A fresh token's id never
    /// comes twice; should one, the new session takes the old one's place whole.
    fileprivate mutating func insert(_ session: Session, as id: PackedSessionID) {
        remove(id)
        var record = MemorySessionRecord(session, id: id, strings: &strings)
        if let userID = session.userID {
            record.userID = index(id, under: userID)
        }
        sessions.insert(record)
    }

    /// Adds `id` to its user's index and returns the user id the record should hold: the
    /// index's own copy, so a user's sessions share one. A copy that is equal but not the
    /// same bytes (Swift's `==` is canonical equivalence) is not shared: a session gets
    /// back the user id it was created with.
    private mutating func index(_ id: PackedSessionID, under userID: String) -> String {
        guard let position = byUser.index(forKey: userID) else {
            byUser[userID] = [id]
            return userID
        }
        byUser.values[position].append(id)
        let shared = byUser.keys[position]
        return shared.utf8.elementsEqual(userID.utf8) ? shared : userID
    }

    fileprivate mutating func end(_ id: PackedSessionID, reason: RefusalReason, tombstoneUntil: Date) {
        remove(id)
        tombstones[id] = .init(reason: reason, until: tombstoneUntil)
    }

    fileprivate mutating func remove(_ id: PackedSessionID) {
        guard let record = sessions.remove(id) else { return }
        record.release(from: &strings)
        guard let userID = record.userID, let position = byUser.index(forKey: userID) else { return }
        byUser.values[position].removeAll { $0 == id }
        if byUser.values[position].isEmpty { byUser.remove(at: position) }
    }
}
