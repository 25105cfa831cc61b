import Foundation
import Synchronization
import TesseraCore

/// Rate limits in this process: the embedded default for a single node.
///
/// Behaves exactly as ``RedisRateLimitStore`` (one contract suite runs against both): the same
/// GCRA arithmetic in the same units, so both name the same waits to the millisecond. Each
/// acquire is atomic under one lock. A key whose theoretical arrival time has passed is as
/// good as absent; ``purge(now:)``, which the server calls periodically, drops those, so the
/// store holds at most the keys seen within one burst's span.
/// ```swift
/// let store = MemoryRateLimitStore()
/// let limiter = RateLimiter(store: store)
/// ```
public final class MemoryRateLimitStore: RateLimitStore {
    /// Theoretical arrival time per rule and key digest, in microseconds since 1970.
    private let arrivals = Mutex<[String: Int64]>([:])

    public init() {}

    public func acquire(_ rule: RateLimitRule, key: String, now: Date) async throws -> RateLimitDecision {
        let slot = rule.name + ":" + IdentifierDigest.hex(key)
        let now = Timestamp.milliseconds(now) * 1000
        let interval = rule.emissionInterval.wholeMicroseconds
        let tolerance = interval * Int64(rule.effectiveBurst)
        // Mirrors Scripts/gcra.lua step for step.
        return arrivals.withLock { arrivals in
            let next = max(arrivals[slot] ?? now, now) + interval
            let allowAt = next - tolerance
            if now < allowAt {
                return .limited(retryAfter: .milliseconds((allowAt - now + 999) / 1000))
            }
            arrivals[slot] = next
            return .allowed(remaining: Int((now - allowAt) / interval))
        }
    }

    /// Drops the keys that are back to a full burst; returns how many.
    @discardableResult
    public func purge(now: Date) -> Int {
        let now = Timestamp.milliseconds(now) * 1000
        return arrivals.withLock { arrivals in
            let before = arrivals.count
            arrivals = arrivals.filter { now < $0.value }
            return before - arrivals.count
        }
    }

    /// How many keys are held, spent ones not yet purged included.
    public var count: Int { arrivals.withLock { $0.count } }
}
