import Foundation
import RESP
import TesseraCore

/// Pending codes and verification links in Redis, shared by every node.
///
/// Key layout (each key its own hash tag, so they spread over a Redis Cluster and every
/// operation is on one slot):
///
/// | key | type | holds |
/// |---|---|---|
/// | `<ns>:{code:<slot>}` | hash | `h` keyed hash of the code, `e` expiry (ms), `f` wrong tries, `fr` when they are forgotten (ms); TTL = the later of the two |
/// | `<ns>:{link:<digest>}` | string | `<expires at (ms)>\n<user id>\n<e-mail>`; TTL = the link's lifetime |
///
/// `<slot>` and `<digest>` are keyed hashes made by ``CodeService``: a dump shows no code,
/// no link token, no address. Issuing and redeeming a code are `Scripts/issue_code.lua` and
/// `Scripts/redeem_code.lua`; a link is redeemed with `GETDEL`, so only its first use finds
/// it. Times are passed in by the node, so the rules do not depend on Redis's clock.
/// ```swift
/// let codes = CodeService(store: RedisCodeStore(client: client), serverKey: key)
/// ```
public struct RedisCodeStore: CodeStore {
    private let client: RedisClient
    private let namespace: String

    public init(client: RedisClient, namespace: String = "tessera") {
        self.client = client
        self.namespace = namespace
    }

    public func issue(_ code: PendingCode, policy: CodePolicy, now: Date) async throws {
        _ = try await CodeScripts.run(CodeScripts.issue, on: client, keys: [codeKey(code.slot)], arguments: [
            String(Timestamp.milliseconds(now)), code.digest, String(policy.lifetime.milliseconds),
        ])
    }

    public func redeem(slot: String, digests: [String], policy: CodePolicy, now: Date) async throws -> CodeRedemption {
        let reply = try await CodeScripts.run(CodeScripts.redeem, on: client, keys: [codeKey(slot)], arguments: [
            String(Timestamp.milliseconds(now)), String(policy.maximumFailures), String(policy.lifetime.milliseconds),
        ] + digests)
        guard let accepted = reply.int else { throw CodeStoreError.unavailable("unexpected reply from redeem_code.lua") }
        return accepted == 1 ? .accepted : .rejected
    }

    public func issueLink(digest: String, target: LinkTarget, expiresAt: Date, now: Date) async throws {
        let lifetime = max(1, Timestamp.milliseconds(expiresAt) - Timestamp.milliseconds(now))
        _ = try await CodeScripts.send(
            RedisCommand([
                "SET", linkKey(digest), "\(Timestamp.milliseconds(expiresAt))\n\(target.userID)\n\(target.email)", "PX", String(lifetime),
            ]), on: client)
    }

    public func redeemLink(digest: String, now: Date) async throws -> LinkTarget? {
        let reply = try await CodeScripts.send(RedisCommand(["GETDEL", linkKey(digest)]), on: client)
        guard let value = reply.string else { return nil }
        let parts = value.split(separator: "\n", maxSplits: 2)
        guard parts.count == 3, let expiresAt = Int64(parts[0]) else {
            throw CodeStoreError.unavailable("unreadable verification link record")
        }
        // The node's clock decides, as for codes; the TTL only clears what nobody redeems.
        guard expiresAt > Timestamp.milliseconds(now) else { return nil }
        return LinkTarget(userID: String(parts[1]), email: String(parts[2]))
    }

    private func codeKey(_ slot: String) -> String { "\(namespace):{code:\(slot)}" }
    private func linkKey(_ digest: String) -> String { "\(namespace):{link:\(digest)}" }
}
