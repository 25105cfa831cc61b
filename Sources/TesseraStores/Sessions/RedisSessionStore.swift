import Foundation
import Logging
import RESP
import TesseraCore

/// Sessions in Redis, shared by every node.
///
/// Key layout (all keys of one user share the hash tag `{u:<tag>}`, so each operation on a
/// user's sessions is one Lua script in one slot, also on Redis Cluster):
///
/// | key | type | holds |
/// |---|---|---|
/// | `<ns>:{u:<tag>}:s:<session id>` | hash | uid, dev, dn, ip, ua, c (created), ls (last seen), ax (absolute expiry), it (idle ms); dn1, dn2, … and ua1, ua2, …: the rest of a device name or user agent longer than 64 bytes; the data: `d:<key>` per attribute, dc (their count), ds (bytes of their keys and values); TTL = time to expiry |
/// | `<ns>:{u:<tag>}:i:<user id>` | sorted set | the user's session ids scored by expiry |
/// | `<ns>:{u:<tag>}:t:<session id>` | string | the reason an ended session was ended; TTL = absolute timeout |
/// | `<ns>:{u:<tag>}:a:<user id>` | hash | the account, kept by ``RedisAccountCache``; read with the check when `readsCachedAccounts` |
///
/// An anonymous session has a random tag, an empty uid and no index. Its data lives in its
/// own hash like a user's, so it moves to the user's slot at login in two calls (see
/// ``SessionService/start(for:device:deviceName:ip:userAgent:takingDataFrom:)``).
/// The session id is a SHA-256 prefix of the token, so a dump of Redis yields no token.
/// Long values are cut into pieces of 64 bytes so that Redis keeps the hash as a compact
/// listpack (`hash-max-listpack-value`); the scripts cut and join them, so this type never
/// sees a piece (docs/sessions.md, "Long values in pieces").
/// ```swift
/// let store = RedisSessionStore(client: RedisClient(configuration: try RedisConfiguration(url: url)))
/// ```
public struct RedisSessionStore: SessionStore {
    private let client: RedisClient
    private let keys: RedisUserKeys
    private let readsCachedAccounts: Bool

    /// - Parameter readsCachedAccounts: answer ``checkReadingAccount(_:policy:now:)`` with
    ///   the account a ``RedisAccountCache`` of the same namespace keeps in the user's slot,
    ///   read by the check's own script.
    public init(client: RedisClient, namespace: String = "tessera", readsCachedAccounts: Bool = false) {
        self.client = client
        self.keys = RedisUserKeys(namespace: namespace)
        self.readsCachedAccounts = readsCachedAccounts
    }

    public func create(_ draft: SessionDraft, policy: SessionPolicy, now: Date) async throws -> SessionCreation {
        let prefix = userPrefix(draft.ref.tag)
        let reply = try await runAcknowledged(SessionScripts.create, keys: [prefix + "i:" + draft.userID, prefix + "s:" + draft.ref.id], arguments: [
            millis(now), prefix, draft.ref.id, draft.userID, draft.device, draft.deviceName ?? "", draft.ip ?? "",
            draft.userAgent ?? "", String(policy.idleTimeout.milliseconds), String(policy.absoluteTimeout.milliseconds),
            String(policy.devices.maximumSessions ?? 0), policy.devices.onePerDeviceType ? "1" : "0",
            policy.devices.overflow.rawValue, String(policy.tombstoneLifetime.milliseconds),
        ])
        guard let items = reply.array, let status = items.first?.string else { throw unexpected(reply) }
        if status == "limit" { throw SessionStoreError.limitReached }
        let session = Session(
            id: draft.ref.id, userID: draft.userID, device: draft.device, deviceName: draft.deviceName, ip: draft.ip,
            userAgent: draft.userAgent, createdAt: roundedToMillis(now), lastSeenAt: roundedToMillis(now),
            absoluteExpiresAt: roundedToMillis(now).addingTimeInterval(policy.absoluteTimeout.seconds),
            idleTimeout: policy.idleTimeout)
        return SessionCreation(session: session, replaced: items.dropFirst().compactMap(\.string))
    }

    public func check(_ ref: SessionRef, policy: SessionPolicy, now: Date) async throws -> SessionCheck {
        try await check(ref, policy: policy, now: now, accountInfix: "").0
    }

    public func checkReadingAccount(_ ref: SessionRef, policy: SessionPolicy, now: Date) async throws -> (SessionCheck, User?) {
        guard readsCachedAccounts else { return (try await check(ref, policy: policy, now: now), nil) }
        let (check, account) = try await check(ref, policy: policy, now: now, accountInfix: RedisUserKeys.accountInfix)
        return (check, account.flatMap(RedisAccountCache.decode))
    }

    /// The check script; with an `accountInfix`, it also returns the cached account's entry.
    private func check(_ ref: SessionRef, policy: SessionPolicy, now: Date, accountInfix: String) async throws -> (SessionCheck, RESPValue?) {
        let prefix = userPrefix(ref.tag)
        let reply = try await run(SessionScripts.check, keys: [prefix + "s:" + ref.id, prefix + "t:" + ref.id], arguments: [
            millis(now), String(policy.renewalInterval.milliseconds), prefix, ref.id,
            String(policy.anonymousRenewalInterval.milliseconds), accountInfix,
        ])
        guard let values = reply.array, let status = values.first?.string else { throw unexpected(reply) }
        let items = values.prefix(10).map(\.string)
        if status == "gone" { return (.refused(Self.reason(items)), nil) }
        guard values.count == 10 || values.count == 11, let uid = items[1],
              let session = Self.session(id: ref.id, userID: uid.isEmpty ? nil : uid, fields: Array(items[2..<10]))
        else { throw unexpected(reply) }
        return (.active(session), values.count == 11 ? values[10] : nil)
    }

    public func end(_ ref: SessionRef, reason: RefusalReason, userID: String?, policy: SessionPolicy, now: Date) async throws -> String? {
        let prefix = userPrefix(ref.tag)
        let reply = try await runAcknowledged(SessionScripts.end, keys: [prefix + "s:" + ref.id, prefix + "t:" + ref.id], arguments: [
            reason.rawValue, String(policy.tombstoneLifetime.milliseconds), prefix, ref.id, userID ?? "",
        ])
        return reply.string
    }

    public func endAll(of owner: SessionOwner, reason: RefusalReason, except: String?, device: String?, policy: SessionPolicy, now: Date) async throws -> [String] {
        let prefix = userPrefix(owner.tag)
        let reply = try await runAcknowledged(SessionScripts.endAll, keys: [prefix + "i:" + owner.userID], arguments: [
            reason.rawValue, String(policy.tombstoneLifetime.milliseconds), prefix, except ?? "", device ?? "",
        ])
        return (reply.array ?? []).compactMap(\.string).sorted()
    }

    public func sessions(of owner: SessionOwner, now: Date) async throws -> [Session] {
        let prefix = userPrefix(owner.tag)
        let reply = try await run(SessionScripts.list, keys: [prefix + "i:" + owner.userID], arguments: [millis(now), prefix])
        let flat = (reply.array ?? []).map(\.string)
        var sessions: [Session] = []
        var index = 0
        while index + 9 <= flat.count {
            if let id = flat[index], let session = Self.session(id: id, userID: owner.userID, fields: Array(flat[(index + 1)..<(index + 9)])) {
                sessions.append(session)
            }
            index += 9
        }
        return sessions.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func ping() async throws {
        _ = try await translatingErrors { try await client.send("PING") }
    }

    public func createAnonymous(_ ref: SessionRef, ip: String?, userAgent: String?, policy: SessionPolicy, now: Date) async throws -> Session {
        let reply = try await run(SessionScripts.createAnonymous, keys: [userPrefix(ref.tag) + "s:" + ref.id], arguments: [
            millis(now), ip ?? "", userAgent ?? "", String(policy.anonymousIdleTimeout.milliseconds),
            String(policy.absoluteTimeout.milliseconds),
        ])
        guard reply.string == "ok" else { throw unexpected(reply) }
        return Session(
            id: ref.id, userID: nil, device: "web", deviceName: nil, ip: ip, userAgent: userAgent,
            createdAt: roundedToMillis(now), lastSeenAt: roundedToMillis(now),
            absoluteExpiresAt: roundedToMillis(now).addingTimeInterval(policy.absoluteTimeout.seconds),
            idleTimeout: policy.anonymousIdleTimeout)
    }

    public func takeAnonymous(_ ref: SessionRef, reason: RefusalReason, policy: SessionPolicy, now: Date) async throws -> [String: String]? {
        let reply = try await run(SessionScripts.takeAnonymous, keys: sessionKeys(ref), arguments: [
            millis(now), reason.rawValue, String(policy.tombstoneLifetime.milliseconds),
        ])
        guard let items = reply.array?.map(\.string), let status = items.first ?? nil else { throw unexpected(reply) }
        guard status == "ok" else { return nil }
        return try Self.attributes(items.dropFirst())
    }

    public func attributes(of ref: SessionRef, now: Date) async throws -> [String: String] {
        let items = try await runDataScript(SessionScripts.getData, ref: ref, arguments: [millis(now)])
        return try Self.attributes(items.dropFirst())
    }

    public func attribute(_ key: String, of ref: SessionRef, now: Date) async throws -> String? {
        let items = try await runDataScript(SessionScripts.getAttribute, ref: ref, arguments: [millis(now), key])
        return items.count > 1 ? items[1] : nil
    }

    public func setAttributes(_ attributes: [String: String], of ref: SessionRef, policy: SessionPolicy, now: Date) async throws {
        let limits = policy.data
        var arguments = [
            millis(now), String(limits.maximumValueBytes), String(limits.maximumAttributes), String(limits.maximumTotalBytes),
        ]
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            arguments += [key, value]
        }
        let items = try await runDataScript(SessionScripts.setData, ref: ref, arguments: arguments)
        switch items.first ?? nil {
        case "ok": return
        case "limit" where items.count == 2:
            switch items[1] {
            case "value": throw SessionStoreError.dataTooLarge(.valueSize(maximumBytes: limits.maximumValueBytes))
            case "count": throw SessionStoreError.dataTooLarge(.attributeCount(maximum: limits.maximumAttributes))
            case "size": throw SessionStoreError.dataTooLarge(.totalSize(maximumBytes: limits.maximumTotalBytes))
            default: break
            }
        default: break
        }
        throw SessionStoreError.unavailable("unexpected reply from a session script")
    }

    public func removeAttribute(_ key: String, of ref: SessionRef, now: Date) async throws {
        _ = try await runDataScript(SessionScripts.deleteAttribute, ref: ref, arguments: [millis(now), key])
    }

    /// Runs a script that answers `{"gone", reason}` for a session that is not live, and
    /// turns that answer into ``SessionStoreError/refused(_:)``.
    private func runDataScript(_ script: RedisScript, ref: SessionRef, arguments: [String]) async throws -> [String?] {
        let reply = try await run(script, keys: sessionKeys(ref), arguments: arguments)
        guard let items = reply.array?.map(\.string), let status = items.first ?? nil else { throw unexpected(reply) }
        if status == "gone" { throw SessionStoreError.refused(Self.reason(items)) }
        return items
    }

    /// The session's hash and its tombstone.
    private func sessionKeys(_ ref: SessionRef) -> [String] {
        let prefix = userPrefix(ref.tag)
        return [prefix + "s:" + ref.id, prefix + "t:" + ref.id]
    }

    private func userPrefix(_ tag: String) -> String { keys.prefix(tag) }

    private func run(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RESPValue {
        try await translatingErrors { try await client.run(script, keys: keys, arguments: arguments) }
    }

    /// Runs a script that ends sessions (logout, kick-out, replacement at login, disable) and
    /// reports it done only once a replica has its writes, so that a promoted replica never
    /// accepts the revoked tokens again (see `RedisClient.runAcknowledged`).
    private func runAcknowledged(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RESPValue {
        try await client.runAcknowledged(script, keys: keys, arguments: arguments, unavailable: SessionStoreError.unavailable)
    }

    private func translatingErrors<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as RedisClientError {
            throw SessionStoreError.unavailable(error.description)
        }
    }

    private func unexpected(_ reply: RESPValue) -> SessionStoreError {
        .unavailable("unexpected reply from a session script")
    }

    /// The reason of a `{"gone", reason}` answer.
    private static func reason(_ items: [String?]) -> RefusalReason {
        items.count > 1 ? items[1].flatMap(RefusalReason.init(rawValue:)) ?? .sessionExpired : .sessionExpired
    }

    /// Alternating keys and values, as the data scripts answer them.
    private static func attributes(_ flat: ArraySlice<String?>) throws -> [String: String] {
        var attributes: [String: String] = [:]
        var index = flat.startIndex
        while index + 1 < flat.endIndex {
            guard let key = flat[index], let value = flat[index + 1] else { break }
            attributes[key] = value
            index += 2
        }
        guard index == flat.endIndex else { throw SessionStoreError.unavailable("unexpected reply from a session script") }
        return attributes
    }

    /// Fields in script order: dev, dn, ip, ua, created, lastSeen, absoluteExpiry, idle.
    private static func session(id: String, userID: String?, fields: [String?]) -> Session? {
        guard fields.count == 8, let device = fields[0],
              let created = fields[4].flatMap(Int64.init), let lastSeen = fields[5].flatMap(Int64.init),
              let absolute = fields[6].flatMap(Int64.init), let idle = fields[7].flatMap(Int64.init)
        else { return nil }
        return Session(
            id: id, userID: userID, device: device, deviceName: fields[1].nonEmpty, ip: fields[2].nonEmpty,
            userAgent: fields[3].nonEmpty, createdAt: date(millis: created), lastSeenAt: date(millis: lastSeen),
            absoluteExpiresAt: date(millis: absolute), idleTimeout: .milliseconds(idle))
    }
}

/// The Lua scripts of the session layout, loaded from the module's resources once.
enum SessionScripts {
    static let create = BundledScript.load("create_session")
    static let check = BundledScript.load("check_session")
    static let end = BundledScript.load("end_session")
    static let endAll = BundledScript.load("end_user_sessions")
    static let list = BundledScript.load("list_sessions")
    static let createAnonymous = BundledScript.load("create_anonymous_session")
    static let takeAnonymous = BundledScript.load("take_anonymous_session")
    static let getData = BundledScript.load("get_session_data")
    static let getAttribute = BundledScript.load("get_session_attribute")
    static let setData = BundledScript.load("set_session_data")
    static let deleteAttribute = BundledScript.load("delete_session_attribute")
}

private func millis(_ date: Date) -> String {
    String(Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
}

private func date(millis: Int64) -> Date {
    Date(timeIntervalSince1970: Double(millis) / 1000)
}

private func roundedToMillis(_ date: Date) -> Date {
    Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
}

extension Optional where Wrapped == String {
    fileprivate var nonEmpty: String? {
        guard let self, !self.isEmpty else { return nil }
        return self
    }
}
