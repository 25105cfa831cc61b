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
/// ```swift
/// let store = MemorySessionStore()
/// ```
public final class MemorySessionStore: SessionStore {
    fileprivate struct Record {
        var session: Session
        var data: [String: String] = [:]
        var expiresAt: Date { session.expiresAt }
    }

    fileprivate struct Tombstone {
        var reason: RefusalReason
        var until: Date
    }

    fileprivate struct State {
        var sessions: [String: Record] = [:]
        var tombstones: [String: Tombstone] = [:]
        var byUser: [String: Set<String>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func create(_ draft: SessionDraft, policy: SessionPolicy, now: Date) async throws -> SessionCreation {
        try state.withLock { state in
            let live = state.liveSessions(of: draft.userID, now: now)
            let victims = DevicePolicyDecision.victims(among: live, newDevice: draft.device, policy: policy.devices)
            if !victims.isEmpty, policy.devices.overflow == .reject {
                throw SessionStoreError.limitReached
            }
            for victim in victims {
                state.end(victim.id, reason: .replaced, tombstoneUntil: now.addingTimeInterval(policy.tombstoneLifetime.seconds))
            }
            let session = Session(
                id: draft.ref.id, userID: draft.userID, device: draft.device, deviceName: draft.deviceName,
                ip: draft.ip, userAgent: draft.userAgent, createdAt: now, lastSeenAt: now,
                absoluteExpiresAt: now.addingTimeInterval(policy.absoluteTimeout.seconds),
                idleTimeout: policy.idleTimeout)
            state.sessions[session.id] = Record(session: session)
            state.byUser[draft.userID, default: []].insert(session.id)
            return SessionCreation(session: session, replaced: victims.map(\.id))
        }
    }

    public func check(_ ref: SessionRef, policy: SessionPolicy, now: Date) async throws -> SessionCheck {
        state.withLock { state in
            guard var record = state.sessions[ref.id] else {
                return .refused(state.tombstoneReason(ref.id, now: now) ?? .sessionExpired)
            }
            if now >= record.expiresAt {
                state.remove(ref.id)
                return .refused(.sessionExpired)
            }
            let interval = record.session.isAnonymous ? policy.anonymousRenewalInterval : policy.renewalInterval
            if now.timeIntervalSince(record.session.lastSeenAt) >= interval.seconds {
                record.session.lastSeenAt = now
                state.sessions[ref.id] = record
            }
            return .active(record.session)
        }
    }

    public func end(_ ref: SessionRef, reason: RefusalReason, userID: String?, policy: SessionPolicy, now: Date) async throws -> String? {
        state.withLock { state in
            guard let record = state.sessions[ref.id], userID == nil || record.session.userID == userID else { return nil }
            state.end(ref.id, reason: reason, tombstoneUntil: now.addingTimeInterval(policy.tombstoneLifetime.seconds))
            return record.session.userID
        }
    }

    public func endAll(of owner: SessionOwner, reason: RefusalReason, except: String?, device: String?, policy: SessionPolicy, now: Date) async throws -> [String] {
        state.withLock { state in
            let ids = (state.byUser[owner.userID] ?? []).filter { id in
                guard id != except, let record = state.sessions[id] else { return false }
                return device == nil || record.session.device == device
            }
            let until = now.addingTimeInterval(policy.tombstoneLifetime.seconds)
            for id in ids { state.end(id, reason: reason, tombstoneUntil: until) }
            return ids.sorted()
        }
    }

    public func sessions(of owner: SessionOwner, now: Date) async throws -> [Session] {
        state.withLock { state in
            state.liveSessions(of: owner.userID, now: now)
        }
    }

    public func ping() async throws {}

    public func createAnonymous(_ ref: SessionRef, ip: String?, userAgent: String?, policy: SessionPolicy, now: Date) async throws -> Session {
        let session = Session(
            id: ref.id, userID: nil, device: "web", deviceName: nil, ip: ip, userAgent: userAgent, createdAt: now,
            lastSeenAt: now, absoluteExpiresAt: now.addingTimeInterval(policy.absoluteTimeout.seconds),
            idleTimeout: policy.anonymousIdleTimeout)
        state.withLock { $0.sessions[ref.id] = Record(session: session) }
        return session
    }

    public func takeAnonymous(_ ref: SessionRef, reason: RefusalReason, policy: SessionPolicy, now: Date) async throws -> [String: String]? {
        state.withLock { state in
            guard let record = state.sessions[ref.id], record.session.isAnonymous, now < record.expiresAt else { return nil }
            state.end(ref.id, reason: reason, tombstoneUntil: now.addingTimeInterval(policy.tombstoneLifetime.seconds))
            return record.data
        }
    }

    public func attributes(of ref: SessionRef, now: Date) async throws -> [String: String] {
        try state.withLock { state in try state.liveRecord(ref.id, now: now).data }
    }

    public func attribute(_ key: String, of ref: SessionRef, now: Date) async throws -> String? {
        try state.withLock { state in try state.liveRecord(ref.id, now: now).data[key] }
    }

    public func setAttributes(_ attributes: [String: String], of ref: SessionRef, policy: SessionPolicy, now: Date) async throws {
        try state.withLock { state in
            let record = try state.liveRecord(ref.id, now: now)
            if let broken = policy.data.exceeded(writing: attributes, over: record.data) {
                throw SessionStoreError.dataTooLarge(broken)
            }
            state.sessions[ref.id]?.data.merge(attributes) { $1 }
        }
    }

    public func removeAttribute(_ key: String, of ref: SessionRef, now: Date) async throws {
        try state.withLock { state in
            _ = try state.liveRecord(ref.id, now: now)
            state.sessions[ref.id]?.data[key] = nil
        }
    }

    /// Drops expired sessions and tombstones; returns how many sessions expired.
    @discardableResult
    public func purge(now: Date) -> Int {
        state.withLock { state in
            let expired = state.sessions.values.filter { now >= $0.expiresAt }.map(\.session.id)
            for id in expired { state.remove(id) }
            state.tombstones = state.tombstones.filter { now < $0.value.until }
            return expired.count
        }
    }

    /// How many sessions are held, expired ones not yet purged included.
    public var count: Int { state.withLock { $0.sessions.count } }
}

extension MemorySessionStore.State {
    fileprivate mutating func liveSessions(of userID: String, now: Date) -> [Session] {
        var live: [Session] = []
        for id in byUser[userID] ?? [] {
            guard let record = sessions[id] else { continue }
            if now >= record.expiresAt { remove(id) } else { live.append(record.session) }
        }
        return live.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The live session `id` names, or the refusal a check would answer.
    fileprivate func liveRecord(_ id: String, now: Date) throws -> MemorySessionStore.Record {
        guard let record = sessions[id] else {
            throw SessionStoreError.refused(tombstoneReason(id, now: now) ?? .sessionExpired)
        }
        guard now < record.expiresAt else { throw SessionStoreError.refused(.sessionExpired) }
        return record
    }

    fileprivate func tombstoneReason(_ id: String, now: Date) -> RefusalReason? {
        guard let tombstone = tombstones[id], now < tombstone.until else { return nil }
        return tombstone.reason
    }

    fileprivate mutating func end(_ id: String, reason: RefusalReason, tombstoneUntil: Date) {
        remove(id)
        tombstones[id] = .init(reason: reason, until: tombstoneUntil)
    }

    fileprivate mutating func remove(_ id: String) {
        guard let record = sessions.removeValue(forKey: id), let userID = record.session.userID else { return }
        byUser[userID]?.remove(id)
        if byUser[userID]?.isEmpty == true { byUser[userID] = nil }
    }
}
