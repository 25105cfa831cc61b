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

    /// `forgets` counts every forget: a stamp is its value at a miss, and a keep whose
    /// stamp is behind it is turned away. One count for all accounts keeps the state
    /// bounded; a write to one account then also turns away keeps of others read meanwhile,
    /// which only costs them a later miss.
    private struct State {
        var entries: [String: Entry] = [:]
        var forgets: UInt64 = 0
    }

    private let lifetime: Duration
    private let maximumEntries: Int
    private let state = Mutex(State())

    public init(lifetime: Duration = .seconds(2), maximumEntries: Int = 100_000) {
        self.lifetime = lifetime
        self.maximumEntries = maximumEntries
    }

    public func lookup(_ id: String) async throws -> AccountCacheLookup {
        let now = ContinuousClock.now
        return state.withLock { state in
            if let entry = state.entries[id], now - entry.keptAt < lifetime { return .hit(entry.user) }
            return .miss(AccountCacheStamp(String(state.forgets)))
        }
    }

    @discardableResult
    public func keep(_ user: User, readAfter stamp: AccountCacheStamp) async throws -> Bool {
        let entry = Entry(user: user.withoutPasswordHash, keptAt: .now)
        return state.withLock { state in
            guard stamp.value == String(state.forgets) else { return false }
            if state.entries.count >= maximumEntries { state.entries.removeAll(keepingCapacity: true) }
            state.entries[user.id] = entry
            return true
        }
    }

    public func forget(_ id: String) async throws {
        state.withLock { state in
            state.entries.removeValue(forKey: id)
            state.forgets &+= 1
        }
    }
}
