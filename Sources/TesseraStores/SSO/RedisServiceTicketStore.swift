import Foundation
import RESP
import TesseraSSO

/// Service tickets in Redis, so a ticket issued by one node validates on any other.
///
/// | key | type | holds |
/// |---|---|---|
/// | `<ns>:{st:<storage key>}` | hash | s (service URL), sid (service id), u (user id), ss (session id), a (authenticated at, ms), n (1 from a new login), x (expires at, ms); TTL = lifetime |
///
/// The storage key is a SHA-256 prefix of the ticket, so a dump of Redis holds no ticket.
/// Taking is `Scripts/take_ticket.lua`: read and delete in one step.
/// ```swift
/// let store = RedisServiceTicketStore(client: client, namespace: "tessera")
/// ```
public struct RedisServiceTicketStore: ServiceTicketStore {
    private let client: RedisClient
    private let namespace: String

    public init(client: RedisClient, namespace: String = "tessera") {
        self.client = client
        self.namespace = namespace
    }

    public func save(_ grant: TicketGrant, under key: String, now: Date) async throws {
        let ttl = max(Timestamp.milliseconds(grant.expiresAt) - Timestamp.milliseconds(now), 1)
        let hash = self.key(key)
        _ = try await SSOScripts.send(RedisCommand([
            "HSET", hash, "s", grant.service, "sid", grant.serviceID, "u", grant.userID, "ss", grant.sessionID,
            "a", String(Timestamp.milliseconds(grant.authenticatedAt)), "n", grant.fromNewLogin ? "1" : "0",
            "x", String(Timestamp.milliseconds(grant.expiresAt)),
        ]), on: client)
        _ = try await SSOScripts.send(RedisCommand(["PEXPIRE", hash, String(ttl)]), on: client)
    }

    public func take(_ key: String, now: Date) async throws -> TicketGrant? {
        let reply = try await SSOScripts.run(SSOScripts.takeTicket, on: client, keys: [self.key(key)], arguments: [
            String(Timestamp.milliseconds(now)),
        ])
        if reply.isNull { return nil }
        guard let fields = reply.array?.map(\.string), fields.count == 7, let service = fields[0], let serviceID = fields[1],
              let userID = fields[2], let sessionID = fields[3], let authenticated = fields[4].flatMap(Int64.init),
              let expires = fields[6].flatMap(Int64.init)
        else { throw SSOStoreError.unavailable("unexpected reply from the ticket store") }
        return TicketGrant(
            service: service, serviceID: serviceID, userID: userID, sessionID: sessionID,
            authenticatedAt: Timestamp.date(milliseconds: authenticated), fromNewLogin: fields[5] == "1",
            expiresAt: Timestamp.date(milliseconds: expires))
    }

    private func key(_ storageKey: String) -> String {
        "\(namespace):{st:\(storageKey)}"
    }
}
