import Foundation
import Testing
import TesseraCore
import TesseraStores

/// The memory stores cannot grow without bound: what the rules no longer need, purge drops.
@Suite struct MemoryLimitStorePurgeTests {
    @Test func purgeDropsRateLimitKeysBackToAFullBurst() async throws {
        let store = MemoryRateLimitStore()
        let clock = limitTestClock()
        let rule = RateLimitRule(name: "test.purge", limit: 10, period: .seconds(60))
        for address in 0..<100 { _ = try await store.acquire(rule, key: "198.51.100.\(address)", now: clock.now()) }
        clock.advance(by: .seconds(3))
        _ = try await store.acquire(rule, key: "198.51.100.7", now: clock.now())
        #expect(store.count == 100)
        #expect(store.purge(now: clock.now()) == 0)
        // One request spends a tenth of the burst, whole again after 6 s.
        clock.advance(by: .seconds(3))
        #expect(store.purge(now: clock.now()) == 99)
        #expect(try await store.acquire(rule, key: "198.51.100.7", now: clock.now()) == .allowed(remaining: 8))
        clock.advance(by: .seconds(60))
        #expect(store.purge(now: clock.now()) == 1)
        #expect(store.count == 0)
    }

    @Test func purgeDropsLoginRecordsWhoseCountStartedOver() async throws {
        let store = MemoryLoginFailureStore()
        let clock = limitTestClock()
        let policy = LoginBackoffPolicy()
        for user in 0..<50 { _ = try await store.recordFailure(for: "user\(user)@example.com", policy: policy, now: clock.now()) }
        clock.advance(by: .seconds(3600))
        _ = try await store.recordFailure(for: "user7@example.com", policy: policy, now: clock.now())
        clock.advance(by: .seconds(11 * 3600))
        #expect(store.purge(now: clock.now()) == 49)
        #expect(try await store.state(for: "user7@example.com", now: clock.now()).failures == 2)
        clock.advance(by: .seconds(3600))
        #expect(store.purge(now: clock.now()) == 1)
        #expect(store.count == 0)
    }
}
