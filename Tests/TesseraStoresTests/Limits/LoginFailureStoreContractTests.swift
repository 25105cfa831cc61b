import Foundation
import RESP
import Testing
import TesseraCore
import TesseraStores

/// One behaviour, written once, run against every login failure store backend.
@Suite struct LoginFailureStoreContractTests {
    let policy = LoginBackoffPolicy()

    struct Harness {
        var store: any LoginFailureStore
        var keys: @Sendable () async throws -> [String]
        var clock: ManualWallClock
        var close: @Sendable () async -> Void

        func fail(_ identifier: String, policy: LoginBackoffPolicy) async throws -> LoginFailureState {
            try await store.recordFailure(for: identifier, policy: policy, now: clock.now())
        }

        func fail(_ identifier: String, times count: Int, policy: LoginBackoffPolicy) async throws {
            for _ in 0..<count { _ = try await fail(identifier, policy: policy) }
        }

        func state(_ identifier: String) async throws -> LoginFailureState {
            try await store.state(for: identifier, now: clock.now())
        }

        /// The lock of `state` in milliseconds from now; nil when unlocked.
        func lock(_ state: LoginFailureState) -> Int64? {
            milliseconds(from: clock.now(), to: state.lockedUntil)
        }
    }

    func harness(_ backend: LimitStoreBackend) throws -> Harness {
        let stores = try backend.makeStores()
        return Harness(store: stores.loginFailures, keys: stores.keys, clock: limitTestClock(), close: stores.close)
    }

    func identifier() -> String { "user-\(SecureRandom.identifier(length: 12))@example.com" }

    @Test(arguments: LimitStoreBackend.available)
    func twentyNineFailuresImposeNoWait(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let ada = identifier()
        #expect(try await h.state(ada) == LoginFailureState())
        for count in 1...29 {
            #expect(try await h.fail(ada, policy: policy) == LoginFailureState(failures: count))
        }
        #expect(try await h.state(ada) == LoginFailureState(failures: 29))
    }

    @Test(arguments: LimitStoreBackend.available)
    func theWaitDoublesFromTheThirtiethFailureUpToFifteenMinutes(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let ada = identifier()
        try await h.fail(ada, times: 29, policy: policy)
        var locks: [Int64?] = []
        for _ in 30...36 {
            locks.append(h.lock(try await h.fail(ada, policy: policy)))
        }
        #expect(locks == [60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000])
        let state = try await h.state(ada)
        #expect(state.failures == 36)
        #expect(h.lock(state) == 900_000)
        #expect(state.isLocked(at: h.clock.now()))
    }

    @Test(arguments: LimitStoreBackend.available)
    func aLockEndsOnTimeAndKeepsTheCount(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let ada = identifier()
        try await h.fail(ada, times: 30, policy: policy)
        h.clock.advance(by: .milliseconds(59_999))
        #expect(h.lock(try await h.state(ada)) == 1)
        h.clock.advance(by: .milliseconds(1))
        #expect(try await h.state(ada) == LoginFailureState(failures: 30))
        #expect(h.lock(try await h.fail(ada, policy: policy)) == 120_000)
    }

    @Test(arguments: LimitStoreBackend.available)
    func resetClearsTheCountAndTheLock(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let ada = identifier()
        try await h.fail(ada, times: 31, policy: policy)
        try await h.store.reset(ada)
        #expect(try await h.state(ada) == LoginFailureState())
        #expect(try await h.fail(ada, policy: policy) == LoginFailureState(failures: 1))
        try await h.store.reset(identifier())
    }

    @Test(arguments: LimitStoreBackend.available)
    func theCountStartsOverAfterTwelveHoursWithoutAFailure(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let ada = identifier()
        try await h.fail(ada, times: 30, policy: policy)
        h.clock.advance(by: .seconds(12 * 3600 - 1))
        #expect(try await h.state(ada) == LoginFailureState(failures: 30))
        // A failure restarts the twelve hours.
        #expect(h.lock(try await h.fail(ada, policy: policy)) == 120_000)
        h.clock.advance(by: .seconds(12 * 3600 - 1))
        #expect(try await h.state(ada).failures == 31)
        h.clock.advance(by: .seconds(1))
        #expect(try await h.state(ada) == LoginFailureState())
        #expect(try await h.fail(ada, policy: policy) == LoginFailureState(failures: 1))
    }

    @Test(arguments: LimitStoreBackend.available)
    func aLockLongerThanTheResetIsKept(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let policy = LoginBackoffPolicy(failuresBeforeWait: 1, minimumWait: .seconds(600), maximumWait: .seconds(600), resetAfter: .seconds(60))
        let ada = identifier()
        _ = try await h.fail(ada, policy: policy)
        h.clock.advance(by: .seconds(599))
        #expect(h.lock(try await h.state(ada)) == 1000)
        h.clock.advance(by: .seconds(1))
        #expect(try await h.state(ada) == LoginFailureState())
    }

    @Test(arguments: LimitStoreBackend.available)
    func twentyConcurrentFailuresCountTwenty(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let ada = identifier()
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await h.fail(ada, policy: policy).failures } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts.sorted() == Array(1...20))
        #expect(try await h.state(ada).failures == 20)
    }

    @Test(arguments: LimitStoreBackend.available)
    func identifiersCountApart(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let ada = identifier(), bob = identifier()
        try await h.fail(ada, times: 30, policy: policy)
        #expect(try await h.state(bob) == LoginFailureState())
        #expect(try await h.fail(bob, policy: policy) == LoginFailureState(failures: 1))
    }

    @Test(arguments: LimitStoreBackend.available)
    func theThrottleRefusesDuringALockAndClearsOnSuccess(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let throttle = LoginThrottle(store: h.store, policy: LoginBackoffPolicy(failuresBeforeWait: 3), clock: h.clock)
        let ada = identifier()
        #expect(try await throttle.recordFailure(for: ada) == nil)
        #expect(try await throttle.recordFailure(for: ada) == nil)
        #expect(try await throttle.wait(for: ada) == nil)
        #expect(try await throttle.recordFailure(for: ada) == .seconds(60))
        h.clock.advance(by: .milliseconds(20_500))
        #expect(try await throttle.wait(for: ada) == .milliseconds(39_500))
        h.clock.advance(by: .milliseconds(39_500))
        #expect(try await throttle.wait(for: ada) == nil)
        try await throttle.recordSuccess(for: ada)
        #expect(try await h.state(ada) == LoginFailureState())
    }

    @Test(.enabled(if: TestServers.redisEnabled, TestServers.skipMessage))
    func redisKeysHoldNoIdentifier() async throws {
        let h = try harness(.redis)
        defer { Task { await h.close() } }
        let identifiers = ["ada@example.com", "+15551234567", "ada"]
        for identifier in identifiers { _ = try await h.fail(identifier, policy: policy) }
        let keys = try await h.keys()
        #expect(keys.count == identifiers.count)
        for key in keys {
            #expect(!identifiers.contains { key.contains($0) })
            #expect(key.wholeMatch(of: /test-[0-9a-z]{10}:\{lf:[0-9a-f]{32}\}/) != nil, "\(key)")
        }
    }

    @Test("a Redis that refuses connections is unavailable, and the throttle fails closed")
    func unreachableRedisIsUnavailable() async throws {
        // Port 1 on loopback has no listener: every connection attempt is refused at once.
        let client = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:1"))
        defer { Task { await client.close() } }
        let store = RedisLoginFailureStore(client: client)
        await #expect {
            _ = try await store.recordFailure(for: "ada", policy: policy, now: Date())
        } throws: { error in
            if case .unavailable = error as? RateLimitStoreError { return true }
            return false
        }
        await #expect(throws: TesseraError.storeUnavailable) {
            _ = try await LoginThrottle(store: store).wait(for: "ada")
        }
    }
}
