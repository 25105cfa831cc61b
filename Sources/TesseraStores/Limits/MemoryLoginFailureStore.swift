import Foundation
import Synchronization
import TesseraCore

/// Login failures in this process: the embedded default for a single node.
///
/// Behaves exactly as ``RedisLoginFailureStore`` (one contract suite runs against both), each
/// operation atomic under one lock, identifiers held only as their ``IdentifierDigest``. A
/// record whose count has started over is as good as absent; ``purge(now:)``, which the
/// server calls periodically, drops those, so the store holds at most the identifiers that
/// failed within `resetAfter`.
/// ```swift
/// let store = MemoryLoginFailureStore()
/// let throttle = LoginThrottle(store: store)
/// ```
public final class MemoryLoginFailureStore: LoginFailureStore {
    /// Times in milliseconds since 1970, as in `Scripts/login_failure.lua`.
    private struct Record {
        var failures: Int
        var lockedUntil: Int64
        var resetAt: Int64
    }

    private let records = Mutex<[String: Record]>([:])

    public init() {}

    public func state(for identifier: String, now: Date) async throws -> LoginFailureState {
        let digest = IdentifierDigest.hex(identifier)
        let now = Timestamp.milliseconds(now)
        return records.withLock { records in
            guard let record = records[digest], now < record.resetAt else { return LoginFailureState() }
            return Self.state(of: record, now: now)
        }
    }

    public func recordFailure(for identifier: String, policy: LoginBackoffPolicy, now: Date) async throws -> LoginFailureState {
        let digest = IdentifierDigest.hex(identifier)
        let now = Timestamp.milliseconds(now)
        // Mirrors Scripts/login_failure.lua step for step.
        return records.withLock { records in
            var failures = 1
            if let record = records[digest], now < record.resetAt { failures += record.failures }
            let lockedUntil = policy.wait(afterFailures: failures).map { now + $0.milliseconds } ?? 0
            let record = Record(failures: failures, lockedUntil: lockedUntil, resetAt: max(now + policy.resetAfter.milliseconds, lockedUntil))
            records[digest] = record
            return Self.state(of: record, now: now)
        }
    }

    public func reset(_ identifier: String) async throws {
        let digest = IdentifierDigest.hex(identifier)
        _ = records.withLock { $0.removeValue(forKey: digest) }
    }

    /// Drops the records whose count has started over; returns how many.
    @discardableResult
    public func purge(now: Date) -> Int {
        let now = Timestamp.milliseconds(now)
        return records.withLock { records in
            let before = records.count
            records = records.filter { now < $0.value.resetAt }
            return before - records.count
        }
    }

    /// How many identifiers are held, spent ones not yet purged included.
    public var count: Int { records.withLock { $0.count } }

    private static func state(of record: Record, now: Int64) -> LoginFailureState {
        LoginFailureState(failures: record.failures, lockedUntil: record.lockedUntil > now ? Timestamp.date(milliseconds: record.lockedUntil) : nil)
    }
}
