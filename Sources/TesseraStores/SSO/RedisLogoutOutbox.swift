import Foundation
import RESP
import TesseraSSO

/// Single-logout registrations and deliveries in Redis: durable across restarts and shared
/// by every node, whichever node sends.
///
/// All keys share the hash tag `{slo}`, so each script is one slot on Redis Cluster:
///
/// | key | type | holds |
/// |---|---|---|
/// | `<ns>:{slo}:r:<session id>` | hash | ticket → `<service id>\n<service URL>`, one per validated ticket |
/// | `<ns>:{slo}:rs` | hash | session id → user id, for each session with registrations (what the expiry sweep reads) |
/// | `<ns>:{slo}:q` | sorted set | tickets of queued deliveries, scored by when each is due (ms) |
/// | `<ns>:{slo}:d:<ticket>` | hash | s (service id), u (service URL), n (attempts) |
///
/// The tickets named here were validated already, so they can no longer be used; they are
/// kept because the logout request must name them. Registering, queueing, claiming and
/// completing are `Scripts/register_logout.lua`, `queue_logouts.lua`, `claim_logouts.lua`
/// and `complete_logout.lua`; a retry is one `ZADD XX`.
/// ```swift
/// let outbox = RedisLogoutOutbox(client: client, namespace: "tessera")
/// ```
public struct RedisLogoutOutbox: LogoutOutbox {
    private let client: RedisClient
    private let prefix: String

    public init(client: RedisClient, namespace: String = "tessera") {
        self.client = client
        self.prefix = "\(namespace):{slo}:"
    }

    private var index: String { prefix + "rs" }
    private var queue: String { prefix + "q" }

    public func register(_ registration: LogoutRegistration, now: Date) async throws {
        _ = try await SSOScripts.run(SSOScripts.registerLogout, on: client, keys: [prefix + "r:" + registration.sessionID, index], arguments: [
            registration.ticket, registration.serviceID + "\n" + registration.serviceURL, registration.sessionID, registration.userID,
        ])
    }

    public func queueLogouts(ofSessions sessionIDs: [String], now: Date) async throws -> Int {
        guard !sessionIDs.isEmpty else { return 0 }
        let reply = try await SSOScripts.run(SSOScripts.queueLogouts, on: client, keys: [index, queue], arguments: [
            String(Timestamp.milliseconds(now)), prefix,
        ] + sessionIDs)
        return reply.int ?? 0
    }

    public func registeredSessions() async throws -> [RegisteredSession] {
        let reply = try await SSOScripts.send(RedisCommand(["HGETALL", index]), on: client)
        if let map = reply.map {
            return map.compactMap { pair in
                guard let sessionID = pair.key.string, let userID = pair.value.string else { return nil }
                return RegisteredSession(userID: userID, sessionID: sessionID)
            }
        }
        let flat = (reply.array ?? []).compactMap(\.string)
        return stride(from: 0, to: flat.count - 1, by: 2).map { RegisteredSession(userID: flat[$0 + 1], sessionID: flat[$0]) }
    }

    public func claim(now: Date, limit: Int, lease: Duration) async throws -> [LogoutDelivery] {
        let reply = try await SSOScripts.run(SSOScripts.claimLogouts, on: client, keys: [queue], arguments: [
            String(Timestamp.milliseconds(now)), String(limit), String(Int64(lease.seconds * 1000)), prefix,
        ])
        let items = reply.array ?? []
        return stride(from: 0, to: items.count - 3, by: 4).compactMap { i in
            guard let ticket = items[i].string, let serviceID = items[i + 1].string, let url = items[i + 2].string,
                  let attempts = items[i + 3].int
            else { return nil }
            return LogoutDelivery(serviceID: serviceID, serviceURL: url, ticket: ticket, attempts: attempts)
        }
    }

    public func complete(_ id: String) async throws {
        _ = try await SSOScripts.run(SSOScripts.completeLogout, on: client, keys: [queue, prefix + "d:" + id], arguments: [id])
    }

    public func retry(_ id: String, at: Date) async throws {
        _ = try await SSOScripts.send(RedisCommand(["ZADD", queue, "XX", String(Timestamp.milliseconds(at)), id]), on: client)
    }
}
