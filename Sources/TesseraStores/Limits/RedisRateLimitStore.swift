import Foundation
import RESP
import TesseraCore

/// Rate limits in Redis, shared by every node.
///
/// Key layout (one key per rule and limited key; the whole suffix is the hash tag, so keys
/// spread over a Redis Cluster and each acquire is one script on one slot):
///
/// | key | type | holds |
/// |---|---|---|
/// | `<ns>:{rl:<rule name>:<digest>}` | string | the theoretical arrival time, µs since 1970; TTL = until it is reached |
///
/// `<digest>` is the ``IdentifierDigest`` of the limited key, so a dump of Redis shows no IP
/// address, e-mail or phone number. Each acquire is `Scripts/gcra.lua`, one round trip, with
/// the time passed in by the node, so the rule does not depend on Redis's clock and tests
/// can move time.
/// ```swift
/// let store = RedisRateLimitStore(client: RedisClient(configuration: try RedisConfiguration(url: url)))
/// let limiter = RateLimiter(store: store)
/// ```
public struct RedisRateLimitStore: RateLimitStore {
    private let client: RedisClient
    private let namespace: String

    public init(client: RedisClient, namespace: String = "tessera") {
        self.client = client
        self.namespace = namespace
    }

    public func acquire(_ rule: RateLimitRule, key: String, now: Date) async throws -> RateLimitDecision {
        let redisKey = "\(namespace):{rl:\(rule.name):\(IdentifierDigest.hex(key))}"
        let reply = try await LimitScripts.run(LimitScripts.gcra, on: client, keys: [redisKey], arguments: [
            String(Timestamp.milliseconds(now)), String(rule.emissionInterval.wholeMicroseconds), String(rule.effectiveBurst),
        ])
        guard let items = reply.array, items.count == 2, let admitted = items[0].int, let value = items[1].int else {
            throw RateLimitStoreError.unavailable("unexpected reply from gcra.lua")
        }
        return admitted == 1 ? .allowed(remaining: value) : .limited(retryAfter: .milliseconds(value))
    }
}
