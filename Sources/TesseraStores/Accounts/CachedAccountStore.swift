import Foundation
import Synchronization
import TesseraCore

/// Cache-aside in front of an ``AccountStore`` for the hot path: the account behind every
/// authenticated request is read by id from memory for up to `lifetime`.
///
/// Every write through this store drops the entry at once. A write made on another node is
/// seen here within `lifetime` (2 s by default); what must act at once across nodes —
/// disabling an account — also ends its sessions in the shared session store.
/// ```swift
/// let accounts = CachedAccountStore(try await SQLiteAccountStore(path: path, logger: logger))
/// ```
public final class CachedAccountStore: AccountStore {
    private struct Entry {
        var user: User
        var fetchedAt: ContinuousClock.Instant
    }

    private let upstream: any AccountStore
    private let lifetime: Duration
    private let maximumEntries: Int
    private let entries = Mutex<[String: Entry]>([:])

    public init(_ upstream: any AccountStore, lifetime: Duration = .seconds(2), maximumEntries: Int = 100_000) {
        self.upstream = upstream
        self.lifetime = lifetime
        self.maximumEntries = maximumEntries
    }

    public func find(_ identifier: AccountIdentifier) async throws -> User? {
        guard case .id(let id) = identifier else { return try await upstream.find(identifier) }
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[id] }), now - entry.fetchedAt < lifetime {
            return entry.user
        }
        let user = try await upstream.find(identifier)
        entries.withLock { entries in
            if entries.count >= maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[id] = user.map { Entry(user: $0, fetchedAt: now) }
        }
        return user
    }

    public func create(_ account: NewAccount) async throws -> User {
        try await upstream.create(account)
    }

    public func search(_ query: String, limit: Int) async throws -> [User] {
        try await upstream.search(query, limit: limit)
    }

    public func setPasswordHash(_ hash: String, for userID: String) async throws -> Bool {
        defer { forget(userID) }
        return try await upstream.setPasswordHash(hash, for: userID)
    }

    public func setRoles(_ roles: [String], for userID: String) async throws -> User? {
        defer { forget(userID) }
        return try await upstream.setRoles(roles, for: userID)
    }

    public func setStatus(_ status: AccountStatus, for userID: String) async throws -> Bool {
        defer { forget(userID) }
        return try await upstream.setStatus(status, for: userID)
    }

    public func setEmailVerified(_ verified: Bool, for userID: String) async throws -> Bool {
        defer { forget(userID) }
        return try await upstream.setEmailVerified(verified, for: userID)
    }

    public func ping() async throws {
        try await upstream.ping()
    }

    public func close() async throws {
        try await upstream.close()
    }

    private func forget(_ userID: String) {
        _ = entries.withLock { $0.removeValue(forKey: userID) }
    }
}
