import Foundation
import RESP
import TesseraCore

/// Login failures in Redis, shared by every node.
///
/// Key layout (one key per identifier, its own hash tag, so identifiers spread over a Redis
/// Cluster and each operation is on one slot):
///
/// | key | type | holds |
/// |---|---|---|
/// | `<ns>:{lf:<digest>}` | hash | `n` failures, `lu` locked until (ms, 0 for none), `ra` when the count starts over (ms); TTL = until then |
///
/// `<digest>` is the ``IdentifierDigest`` of the normalised identifier, so a dump of Redis
/// shows no e-mail or phone number. A failure is counted by `Scripts/login_failure.lua`,
/// atomically; reading is one `HMGET` and resetting one `DEL`. Times are passed in by the
/// node, so the rule does not depend on Redis's clock.
/// ```swift
/// let store = RedisLoginFailureStore(client: RedisClient(configuration: try RedisConfiguration(url: url)))
/// let throttle = LoginThrottle(store: store)
/// ```
public struct RedisLoginFailureStore: LoginFailureStore {
    private let client: RedisClient
    private let namespace: String

    public init(client: RedisClient, namespace: String = "tessera") {
        self.client = client
        self.namespace = namespace
    }

    public func state(for identifier: String, now: Date) async throws -> LoginFailureState {
        let reply = try await LimitScripts.send(RedisCommand(["HMGET", key(identifier), "n", "lu", "ra"]), on: client)
        guard let fields = reply.array?.map(\.string), fields.count == 3 else { throw unexpected() }
        let now = Timestamp.milliseconds(now)
        guard let failures = fields[0].flatMap(Int.init), let resetAt = fields[2].flatMap(Int64.init), now < resetAt else {
            return LoginFailureState()
        }
        return Self.state(failures: failures, lockedUntil: fields[1].flatMap(Int64.init) ?? 0, now: now)
    }

    public func recordFailure(for identifier: String, policy: LoginBackoffPolicy, now: Date) async throws -> LoginFailureState {
        let now = Timestamp.milliseconds(now)
        let reply = try await LimitScripts.run(LimitScripts.loginFailure, on: client, keys: [key(identifier)], arguments: [
            String(now), String(policy.failuresBeforeWait), String(policy.minimumWait.milliseconds),
            String(policy.maximumWait.milliseconds), String(policy.resetAfter.milliseconds),
        ])
        guard let items = reply.array, items.count == 2, let failures = items[0].int, let lockedUntil = items[1].int else {
            throw unexpected()
        }
        return Self.state(failures: failures, lockedUntil: Int64(lockedUntil), now: now)
    }

    public func reset(_ identifier: String) async throws {
        _ = try await LimitScripts.send(RedisCommand(["DEL", key(identifier)]), on: client)
    }

    private func key(_ identifier: String) -> String {
        "\(namespace):{lf:\(IdentifierDigest.hex(identifier))}"
    }

    private func unexpected() -> RateLimitStoreError {
        .unavailable("unexpected reply from the login failure record")
    }

    private static func state(failures: Int, lockedUntil: Int64, now: Int64) -> LoginFailureState {
        LoginFailureState(failures: failures, lockedUntil: lockedUntil > now ? Timestamp.date(milliseconds: lockedUntil) : nil)
    }
}
