import Foundation
import RESP
import Synchronization
import Testing
import TesseraCore
import TesseraStores

/// The account caches, and the cache-aside store in front of a real account store.
@Suite struct AccountCacheTests {
    enum Cache: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case memory, redis
        var testDescription: String { rawValue }
        static var available: [Cache] { TestServers.redisEnabled ? allCases : [.memory] }
    }

    /// A cache, a way to open a second one on the same shared state (Redis only: memory
    /// caches are per node), and what its Redis namespace holds (each entry's fields).
    struct Harness: Sendable {
        var make: @Sendable () -> any AccountCache
        var values: @Sendable () async throws -> [String]
        var close: @Sendable () async -> Void
    }

    func harness(_ cache: Cache) throws -> Harness {
        switch cache {
        case .memory:
            let shared = MemoryAccountCache()
            return Harness(make: { shared }, values: { [] }, close: {})
        case .redis:
            let client = RedisClient(configuration: try RedisConfiguration(url: TestServers.requireRedisURL()))
            let namespace = "test-\(SecureRandom.identifier(length: 10))"
            return Harness(
                make: { RedisAccountCache(client: client, tokens: Self.tokens, namespace: namespace) },
                values: {
                    var values: [String] = []
                    for key in (try await client.send("KEYS", "\(namespace):*").array ?? []).compactMap(\.string)
                    where try await client.send("TYPE", key).string == "hash" {
                        let fields = try await client.send("HGETALL", key).map ?? []
                        values.append(fields.compactMap { [$0.key.string, $0.value.string].compactMap { $0 }.joined(separator: "=") }.joined(separator: " "))
                    }
                    return values
                },
                close: { await client.close() })
        }
    }

    static let tokens = SessionTokens(serverKey: .init(data: SecureRandom.bytes(32)))

    func user(_ id: String = SecureRandom.identifier(length: 12)) -> User {
        User(
            id: id, username: "ada", email: "ada@example.com", phone: nil, passwordHash: "$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA",
            roles: ["admin"], createdAt: Date(timeIntervalSince1970: 1_700_000_000), updatedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test(arguments: Cache.available)
    func keepsForgetsAndNeverHoldsAPasswordHash(_ kind: Cache) async throws {
        let h = try harness(kind)
        defer { Task { await h.close() } }
        let cache = h.make()
        let ada = user()
        #expect(try await cache.account(ada.id) == nil)
        #expect(try await cache.keepAfterMiss(ada))
        #expect(try await cache.lookup(ada.id) == .hit(ada.withoutPasswordHash))
        for value in try await h.values() { #expect(!value.contains("scrypt")) }
        try await cache.forget(ada.id)
        #expect(try await cache.account(ada.id) == nil)
    }

    @Test(arguments: Cache.available)
    func aCopyReadBeforeAForgetIsNotKeptAfterIt(_ kind: Cache) async throws {
        let h = try harness(kind)
        defer { Task { await h.close() } }
        let cache = h.make()
        let ada = user()
        guard case .miss(let stamp) = try await cache.lookup(ada.id) else { Issue.record("expected a miss"); return }
        try await cache.forget(ada.id)
        #expect(try await cache.keep(ada, readAfter: stamp) == false)
        #expect(try await cache.account(ada.id) == nil)
        // A reader that missed after the forget may keep what it read.
        guard case .miss(let fresh) = try await cache.lookup(ada.id) else { Issue.record("expected a miss"); return }
        #expect(fresh != stamp)
        #expect(try await cache.keep(ada, readAfter: fresh))
        #expect(try await cache.account(ada.id) == ada.withoutPasswordHash)
    }

    /// The race the stamps close: node B misses and reads the account from the database;
    /// before B offers the cache its copy, node A takes the role away (forget, write,
    /// forget). B's copy predates the write and must not be served afterwards.
    @Test(arguments: Cache.available)
    func aReadInFlightDuringAWriteDoesNotBringTheOldAccountBack(_ kind: Cache) async throws {
        let h = try harness(kind)
        defer { Task { await h.close() } }
        try await withDatabase { database in
            let held = HeldReads(database)
            let nodeA = CachedAccountStore(database, cache: h.make())
            let nodeB = CachedAccountStore(held, cache: h.make())
            let created = try await nodeA.create(NewAccount(username: "ada", passwordHash: "$scrypt$x", roles: ["admin"]))

            held.holdNextRead()
            let inFlight = Task { try await nodeB.find(.id(created.id)) }
            await held.waitUntilHeld()
            _ = try await nodeA.setRoles([], for: created.id)
            held.release()
            #expect(try await inFlight.value?.roles == ["admin"])  // what it read, before the write

            #expect(try await nodeB.find(.id(created.id))?.roles == [])
            #expect(try await nodeA.find(.id(created.id))?.roles == [])
        }
    }

    @Test(arguments: Cache.available)
    func aWriteThroughOneStoreIsSeenByTheNextReadThroughAnotherSharingTheCache(_ kind: Cache) async throws {
        let h = try harness(kind)
        defer { Task { await h.close() } }
        try await withDatabase { database in
            let nodeA = CachedAccountStore(database, cache: h.make())
            let nodeB = CachedAccountStore(database, cache: h.make())
            let created = try await nodeA.create(NewAccount(username: "ada", passwordHash: "$scrypt$x", roles: ["admin"]))
            #expect(try await nodeB.find(.id(created.id))?.roles == ["admin"])
            #expect(try await nodeA.find(.id(created.id))?.roles == ["admin"])
            _ = try await nodeA.setRoles([], for: created.id)
            #expect(try await nodeB.find(.id(created.id))?.roles == [])
            #expect(try await nodeB.find(.id(created.id))?.passwordHash == nil)
            #expect(try await nodeB.find(.username("ada"))?.passwordHash == "$scrypt$x")
        }
    }

    /// A fresh SQLite account store in a file of its own, closed and removed after `body`.
    func withDatabase(_ body: (SQLiteAccountStore) async throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "tessera-cache-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try await SQLiteAccountStore(path: path)
        do {
            try await body(database)
        } catch {
            try? await database.close()
            throw error
        }
        try await database.close()
    }

    @Test func aCacheThatCannotAnswerIsPassedByForReadsButStopsWrites() async throws {
        // Nothing listens on port 1: the cache's Redis is down, the account store is not.
        let dead = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:1?timeout=300ms"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(SecureRandom.identifier(length: 8))")
        let sqlite = try await SQLiteAccountStore(path: folder.appendingPathComponent("accounts.sqlite").path)
        let accounts = CachedAccountStore(sqlite, cache: RedisAccountCache(client: dead, tokens: Self.tokens, namespace: "down"))
        let created = try await accounts.create(NewAccount(username: "passed-by", passwordHash: nil))
        #expect(try await accounts.find(.id(created.id)) == created)
        await #expect(throws: (any Error).self) { _ = try await accounts.setRoles(["admin"], for: created.id) }
        #expect(try await sqlite.find(.id(created.id))?.roles == [])
        try await accounts.close()
        await dead.close()
        try? FileManager.default.removeItem(at: folder)
    }

    enum Deployment: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case single, cluster
        var testDescription: String { rawValue }
        static var available: [Deployment] {
            (TestServers.redisEnabled ? [.single] : []) + (TestServers.redisClusterEnabled ? [.cluster] : [])
        }
        func url() throws -> String {
            self == .single ? try TestServers.requireRedisURL() : try TestServers.requireRedisClusterURL()
        }
    }

    /// The account kept by the cache sits in the user's slot, so the session check's own
    /// script returns it: one round trip for both, on one Redis and on a cluster alike.
    @Test(arguments: Deployment.available)
    func theSessionCheckReadsTheCachedAccountInTheSameScript(_ deployment: Deployment) async throws {
        let client = RedisClient(configuration: try RedisConfiguration(url: try deployment.url()))
        defer { Task { await client.close() } }
        let namespace = "test-\(SecureRandom.identifier(length: 10))"
        let cache = RedisAccountCache(client: client, tokens: Self.tokens, namespace: namespace)
        let store = RedisSessionStore(client: client, namespace: namespace, readsCachedAccounts: true)
        let plain = RedisSessionStore(client: client, namespace: namespace)
        let ada = user()
        let issued = Self.tokens.issue(forUserID: ada.id)
        let policy = SessionPolicy()
        let now = Date()
        _ = try await store.create(
            SessionDraft(ref: issued.ref, userID: ada.id, device: "web", deviceName: nil, ip: nil, userAgent: nil), policy: policy, now: now)

        let (before, none) = try await store.checkReadingAccount(issued.ref, policy: policy, now: now)
        guard case .active = before else { Issue.record("expected a live session, got \(before)"); return }
        #expect(none == nil)

        try await cache.keepAfterMiss(ada)
        let (after, cached) = try await store.checkReadingAccount(issued.ref, policy: policy, now: now)
        guard case .active(let session) = after else { Issue.record("expected a live session, got \(after)"); return }
        #expect(session.userID == ada.id)
        #expect(cached == ada.withoutPasswordHash)
        // A store not asked to read the cache answers the session alone.
        #expect(try await plain.checkReadingAccount(issued.ref, policy: policy, now: now).1 == nil)

        try await cache.forget(ada.id)
        #expect(try await store.checkReadingAccount(issued.ref, policy: policy, now: now).1 == nil)
    }
}

extension AccountCache {
    /// Keeps `user` as a reader that has just missed would.
    @discardableResult
    func keepAfterMiss(_ user: User) async throws -> Bool {
        guard case .miss(let stamp) = try await lookup(user.id) else { return false }
        return try await keep(user, readAfter: stamp)
    }
}

/// An account store whose next read by id, once armed, has read the database and then waits
/// to be let go: a read caught in flight.
final class HeldReads: AccountStore {
    private struct State {
        var armed = false
        var held: CheckedContinuation<Void, Never>?
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let upstream: any AccountStore
    private let state = Mutex(State())

    init(_ upstream: any AccountStore) {
        self.upstream = upstream
    }

    func holdNextRead() {
        state.withLock { $0.armed = true }
    }

    /// Returns once a read is held.
    func waitUntilHeld() async {
        await withCheckedContinuation { continuation in
            let isHeld = state.withLock { state in
                if state.held != nil { return true }
                state.waiting.append(continuation)
                return false
            }
            if isHeld { continuation.resume() }
        }
    }

    func release() {
        state.withLock { state in
            let held = state.held
            state.held = nil
            return held
        }?.resume()
    }

    func find(_ identifier: AccountIdentifier) async throws -> User? {
        let user = try await upstream.find(identifier)
        guard state.withLock({ state in
            defer { state.armed = false }
            return state.armed
        }) else { return user }
        await withCheckedContinuation { continuation in
            let waiting = state.withLock { state in
                state.held = continuation
                defer { state.waiting = [] }
                return state.waiting
            }
            for waiter in waiting { waiter.resume() }
        }
        return user
    }

    func create(_ account: NewAccount) async throws -> User { try await upstream.create(account) }
    func search(_ query: String, limit: Int) async throws -> [User] { try await upstream.search(query, limit: limit) }
    func setPasswordHash(_ hash: String, for userID: String) async throws -> Bool { try await upstream.setPasswordHash(hash, for: userID) }
    func setRoles(_ roles: [String], for userID: String) async throws -> User? { try await upstream.setRoles(roles, for: userID) }
    func setStatus(_ status: AccountStatus, for userID: String) async throws -> Bool { try await upstream.setStatus(status, for: userID) }
    func setVerified(_ address: ContactAddress, _ verified: Bool, for userID: String) async throws -> Bool {
        try await upstream.setVerified(address, verified, for: userID)
    }
    func ping() async throws { try await upstream.ping() }
    func close() async throws { try await upstream.close() }
}
