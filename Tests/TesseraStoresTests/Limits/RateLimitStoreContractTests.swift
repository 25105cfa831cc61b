import Foundation
import RESP
import Testing
import TesseraCore
import TesseraStores

/// One behaviour, written once, run against every rate limit store backend.
///
/// Redis expires keys on its own clock while the test clock stands still, so every interval
/// here is many seconds long: no key may expire in real time during a test on a loaded machine.
@Suite struct RateLimitStoreContractTests {
    struct Harness {
        var store: any RateLimitStore
        var keys: @Sendable () async throws -> [String]
        var clock: ManualWallClock
        var close: @Sendable () async -> Void

        func acquire(_ rule: RateLimitRule, _ key: String) async throws -> RateLimitDecision {
            try await store.acquire(rule, key: key, now: clock.now())
        }

        /// Acquires `count` times at the current instant; returns the decisions in order.
        func acquire(_ rule: RateLimitRule, _ key: String, times count: Int) async throws -> [RateLimitDecision] {
            var decisions: [RateLimitDecision] = []
            for _ in 0..<count { decisions.append(try await acquire(rule, key)) }
            return decisions
        }
    }

    func harness(_ backend: LimitStoreBackend) throws -> Harness {
        let stores = try backend.makeStores()
        return Harness(store: stores.rateLimits, keys: stores.keys, clock: limitTestClock(), close: stores.close)
    }

    func key() -> String { "203.0.113.\(Int.random(in: 1...254))-\(SecureRandom.identifier(length: 8))" }

    @Test(arguments: LimitStoreBackend.available)
    func exactlyTheBurstIsAdmittedAtOnceThenTheWaitIsExact(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let rule = RateLimitRule(name: "test.burst", limit: 10, period: .seconds(100))
        let client = key()
        #expect(try await h.acquire(rule, client, times: 10) == (0..<10).reversed().map { .allowed(remaining: $0) })
        #expect(try await h.acquire(rule, client) == .limited(retryAfter: .milliseconds(10_000)))
        h.clock.advance(by: .milliseconds(3_701))
        #expect(try await h.acquire(rule, client) == .limited(retryAfter: .milliseconds(6_299)))
        h.clock.advance(by: .milliseconds(6_298))
        #expect(try await h.acquire(rule, client) == .limited(retryAfter: .milliseconds(1)))
        h.clock.advance(by: .milliseconds(1))
        #expect(try await h.acquire(rule, client) == .allowed(remaining: 0))
        #expect(try await h.acquire(rule, client) == .limited(retryAfter: .milliseconds(10_000)))
    }

    @Test(arguments: LimitStoreBackend.available)
    func aSpentBurstIsWholeAgainAfterThePeriod(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let rule = RateLimitRule(name: "test.recovery", limit: 5, period: .seconds(60))
        let client = key()
        _ = try await h.acquire(rule, client, times: 5)
        #expect(try await h.acquire(rule, client) == .limited(retryAfter: .seconds(12)))
        h.clock.advance(by: .seconds(30))
        #expect(try await h.acquire(rule, client) == .allowed(remaining: 1))
        h.clock.advance(by: .seconds(60))
        #expect(try await h.acquire(rule, client, times: 6).map(\.admitted) == [true, true, true, true, true, false])
    }

    @Test(arguments: LimitStoreBackend.available)
    func refusalsDoNotDelayTheNextAdmission(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let rule = RateLimitRule(name: "test.hammer", limit: 2, period: .seconds(100))
        let client = key()
        _ = try await h.acquire(rule, client, times: 2)
        #expect(try await h.acquire(rule, client, times: 100).allSatisfy { !$0.admitted })
        h.clock.advance(by: .seconds(50))
        #expect(try await h.acquire(rule, client) == .allowed(remaining: 0))
    }

    @Test(arguments: LimitStoreBackend.available)
    func aBurstBelowTheLimitSpacesRequestsAtTheRate(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let rule = RateLimitRule(name: "test.smallburst", limit: 60, period: .seconds(3600), burst: 3)
        let client = key()
        #expect(try await h.acquire(rule, client, times: 3) == [.allowed(remaining: 2), .allowed(remaining: 1), .allowed(remaining: 0)])
        #expect(try await h.acquire(rule, client) == .limited(retryAfter: .seconds(60)))
        h.clock.advance(by: .seconds(60))
        #expect(try await h.acquire(rule, client) == .allowed(remaining: 0))
        h.clock.advance(by: .seconds(3600))
        #expect(try await h.acquire(rule, client, times: 4).map(\.admitted) == [true, true, true, false])
    }

    @Test(arguments: LimitStoreBackend.available)
    func aRateThatDoesNotDivideThePeriodRoundsTheWaitUp(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let rule = RateLimitRule(name: "test.thirds", limit: 3, period: .seconds(1000))
        let client = key()
        _ = try await h.acquire(rule, client, times: 3)
        // The interval is 333 333 334 µs, so the next admission is 333 333.334 ms away.
        #expect(try await h.acquire(rule, client) == .limited(retryAfter: .milliseconds(333_334)))
        h.clock.advance(by: .milliseconds(333_333))
        #expect(try await h.acquire(rule, client) == .limited(retryAfter: .milliseconds(1)))
        h.clock.advance(by: .milliseconds(1))
        #expect(try await h.acquire(rule, client) == .allowed(remaining: 0))
    }

    @Test(arguments: LimitStoreBackend.available)
    func keysAndRulesCountApart(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let perIP = RateLimitRule(name: "test.ip", limit: 2, period: .seconds(60))
        let perRoute = RateLimitRule(name: "test.route", limit: 2, period: .seconds(60))
        let alice = key(), bob = key()
        _ = try await h.acquire(perIP, alice, times: 2)
        #expect(try await h.acquire(perIP, alice).admitted == false)
        #expect(try await h.acquire(perIP, bob) == .allowed(remaining: 1))
        #expect(try await h.acquire(perRoute, alice) == .allowed(remaining: 1))
    }

    @Test(arguments: LimitStoreBackend.available)
    func fiftyConcurrentAcquiresOnALimitOfTenAdmitTen(_ backend: LimitStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let rule = RateLimitRule(name: "test.concurrent", limit: 10, period: .seconds(60))
        let client = key()
        let decisions = try await withThrowingTaskGroup(of: RateLimitDecision.self) { group in
            for _ in 0..<50 { group.addTask { try await h.acquire(rule, client) } }
            return try await group.reduce(into: [RateLimitDecision]()) { $0.append($1) }
        }
        let admitted = decisions.compactMap { decision -> Int? in
            if case .allowed(let remaining) = decision { return remaining }
            return nil
        }
        #expect(admitted.sorted() == Array(0..<10))
        #expect(decisions.filter { !$0.admitted }.count == 40)
    }

    @Test(.enabled(if: TestServers.redisEnabled, TestServers.skipMessage))
    func redisKeysHoldADigestAndTheRuleNameOnly() async throws {
        let h = try harness(.redis)
        defer { Task { await h.close() } }
        let rule = RateLimitRule(name: "codes.destination", limit: 5, period: .seconds(3600))
        let destinations = ["ada@example.com", "+15551234567", "198.51.100.23"]
        for destination in destinations { _ = try await h.acquire(rule, destination) }
        let keys = try await h.keys()
        #expect(keys.count == destinations.count)
        for key in keys {
            #expect(!destinations.contains { key.contains($0) })
            #expect(key.wholeMatch(of: /test-[0-9a-z]{10}:\{rl:codes\.destination:[0-9a-f]{32}\}/) != nil, "\(key)")
        }
    }

    @Test("a Redis that refuses connections is unavailable")
    func unreachableRedisIsUnavailable() async throws {
        // Port 1 on loopback has no listener: every connection attempt is refused at once.
        let client = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:1"))
        defer { Task { await client.close() } }
        let rule = RateLimitRule(name: "test.down", limit: 1, period: .seconds(1))
        await #expect {
            _ = try await RedisRateLimitStore(client: client).acquire(rule, key: "k", now: Date())
        } throws: { error in
            if case .unavailable = error as? RateLimitStoreError { return true }
            return false
        }
        await #expect(throws: TesseraError.storeUnavailable) {
            _ = try await RateLimiter(store: RedisRateLimitStore(client: client)).acquire(rule, key: "k")
        }
    }
}

extension RateLimitDecision {
    var admitted: Bool {
        if case .allowed = self { return true }
        return false
    }
}
