import Foundation
import Synchronization
import TesseraCore

/// Accounts by id in this process: the cache of a single node, whose writes all pass
/// through it, so an entry can live until the account changes. `lifetime` bounds how long
/// a write made past this node (another process on the same SQLite file) goes unseen.
/// ```swift
/// let accounts = CachedAccountStore(store, cache: MemoryAccountCache())
/// ```
public final class MemoryAccountCache: AccountCache {
    private struct Entry {
        var user: User
        var keptAt: ContinuousClock.Instant
    }

    private let lifetime: Duration
    private let maximumEntries: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(lifetime: Duration = .seconds(2), maximumEntries: Int = 100_000) {
        self.lifetime = lifetime
        self.maximumEntries = maximumEntries
    }

    public func account(_ id: String) async throws -> User? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[id], now - entry.keptAt < lifetime else { return nil }
            return entry.user
        }
    }

    public func keep(_ user: User) async throws {
        let entry = Entry(user: user.withoutPasswordHash, keptAt: .now)
        entries.withLock { entries in
            if entries.count >= maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[user.id] = entry
        }
    }

    public func forget(_ id: String) async throws {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }
}
