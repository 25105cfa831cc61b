import Foundation
import Synchronization
import TesseraCore

/// Pending codes and verification links in this process: the embedded default for a
/// single node.
///
/// Behaves exactly as ``RedisCodeStore`` (one contract suite runs against both); each
/// operation is atomic under one lock. Spent entries are dropped by ``purge(now:)``, which
/// the server calls periodically.
/// ```swift
/// let codes = CodeService(store: MemoryCodeStore(), serverKey: key)
/// ```
public final class MemoryCodeStore: CodeStore {
    /// Times in milliseconds since 1970, as in `Scripts/issue_code.lua`.
    private struct Record {
        var digest: String
        var expiresAt: Int64
        var failures: Int
        var forgetAt: Int64

        var endsAt: Int64 { max(expiresAt, forgetAt) }
    }

    private struct Link {
        var target: LinkTarget
        var expiresAt: Int64
    }

    private struct State {
        var codes: [String: Record] = [:]
        var links: [String: Link] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func issue(_ code: PendingCode, policy: CodePolicy, now: Date) async throws {
        let now = Timestamp.milliseconds(now)
        state.withLock { state in
            var record = Record(digest: code.digest, expiresAt: now + policy.lifetime.milliseconds, failures: 0, forgetAt: 0)
            if let old = state.codes[code.slot], old.forgetAt > now {
                record.failures = old.failures
                record.forgetAt = old.forgetAt
            }
            state.codes[code.slot] = record
        }
    }

    public func redeem(slot: String, digests: [String], policy: CodePolicy, now: Date) async throws -> CodeRedemption {
        let now = Timestamp.milliseconds(now)
        // Mirrors Scripts/redeem_code.lua step for step.
        return state.withLock { state in
            guard var record = state.codes[slot], record.endsAt > now else { return .rejected }
            if record.forgetAt <= now {
                record.failures = 0
                record.forgetAt = 0
            }
            // Every candidate is compared, so the time taken does not say which one matched.
            let matches = digests.map { ConstantTime.equals(Array(record.digest.utf8), Array($0.utf8)) }.contains(true)
            if record.expiresAt > now, record.failures < policy.maximumFailures, matches {
                state.codes[slot] = nil
                return .accepted
            }
            if record.failures == 0 { record.forgetAt = now + policy.lifetime.milliseconds }
            record.failures += 1
            state.codes[slot] = record
            return .rejected
        }
    }

    public func issueLink(digest: String, target: LinkTarget, expiresAt: Date, now: Date) async throws {
        let link = Link(target: target, expiresAt: Timestamp.milliseconds(expiresAt))
        state.withLock { $0.links[digest] = link }
    }

    public func redeemLink(digest: String, now: Date) async throws -> LinkTarget? {
        let now = Timestamp.milliseconds(now)
        return state.withLock { state in
            guard let link = state.links.removeValue(forKey: digest), link.expiresAt > now else { return nil }
            return link.target
        }
    }

    /// Drops codes, counts and links whose time is up; returns how many.
    @discardableResult
    public func purge(now: Date) -> Int {
        let now = Timestamp.milliseconds(now)
        return state.withLock { state in
            let before = state.codes.count + state.links.count
            state.codes = state.codes.filter { $0.value.endsAt > now }
            state.links = state.links.filter { $0.value.expiresAt > now }
            return before - state.codes.count - state.links.count
        }
    }

    /// How many codes and links are held, spent ones not yet purged included.
    public var count: Int { state.withLock { $0.codes.count + $0.links.count } }
}
