import Foundation
import Synchronization
import TesseraSSO

/// Service tickets in this process: the embedded default for a single node.
///
/// Behaves exactly as ``RedisServiceTicketStore`` (one contract suite runs against both);
/// taking is atomic under one lock. ``purge(now:)``, which the server calls periodically,
/// drops tickets nobody validated.
/// ```swift
/// let store = MemoryServiceTicketStore()
/// ```
public final class MemoryServiceTicketStore: ServiceTicketStore {
    private let grants = Mutex<[String: TicketGrant]>([:])

    public init() {}

    public func save(_ grant: TicketGrant, under key: String, now: Date) async throws {
        grants.withLock { $0[key] = grant }
    }

    public func take(_ key: String, now: Date) async throws -> TicketGrant? {
        guard let grant = grants.withLock({ $0.removeValue(forKey: key) }), now < grant.expiresAt else { return nil }
        return grant
    }

    /// Drops expired tickets.
    public func purge(now: Date) {
        grants.withLock { $0 = $0.filter { now < $0.value.expiresAt } }
    }
}
