import Crypto
import Foundation
import Synchronization
import Testing

@testable import TesseraCore

/// What the limiter and the throttle hand their stores when they have the server key.
@Suite struct IdentifierKeyTests {
    static let serverKey = SymmetricKey(data: Array(repeating: UInt8(7), count: 32))

    @Test func theSameKeyNamesAnIdentifierTheSameWayAndAnotherKeyDoesNot() {
        let one = IdentifierKey(serverKey: Self.serverKey)
        let again = IdentifierKey(serverKey: Self.serverKey)
        let other = IdentifierKey(serverKey: SymmetricKey(data: Array(repeating: UInt8(8), count: 32)))
        #expect(one("+15550001111") == again("+15550001111"))
        #expect(one("+15550001111") != other("+15550001111"))
        #expect(one("+15550001111") != one("+15550001112"))
        // Not the unkeyed digest, which anyone can compute for a guess.
        #expect(one("+15550001111") != IdentifierDigest.hex("+15550001111"))
        #expect(one("+15550001111").count == 32)
    }

    @Test func theThrottleNeverShowsItsStoreTheIdentifier() async throws {
        let store = RecordingFailureStore()
        let throttle = LoginThrottle(store: store, identifiers: IdentifierKey(serverKey: Self.serverKey))
        _ = try await throttle.wait(for: "ada@example.com")
        try await throttle.recordFailure(for: "ada@example.com")
        try await throttle.recordSuccess(for: "ada@example.com")
        let seen = store.identifiers
        #expect(seen.count == 3)
        #expect(Set(seen) == [IdentifierKey(serverKey: Self.serverKey)("ada@example.com")])
    }

    @Test func theLimiterNeverShowsItsStoreTheKey() async throws {
        let store = RecordingRateLimitStore()
        let limiter = RateLimiter(store: store, identifiers: IdentifierKey(serverKey: Self.serverKey))
        _ = try await limiter.acquire(RateLimitRule(name: "login.ip", limit: 10, period: .seconds(60)), key: "203.0.113.7")
        #expect(store.keys == [IdentifierKey(serverKey: Self.serverKey)("203.0.113.7")])
    }

    @Test func withoutAKeyTheStoreSeesWhatItIsGiven() async throws {
        let store = RecordingRateLimitStore()
        _ = try await RateLimiter(store: store).acquire(RateLimitRule(name: "login.ip", limit: 10, period: .seconds(60)), key: "203.0.113.7")
        #expect(store.keys == ["203.0.113.7"])
    }
}

private final class RecordingFailureStore: LoginFailureStore {
    private let seen = Mutex<[String]>([])
    var identifiers: [String] { seen.withLock { $0 } }

    func state(for identifier: String, now: Date) async throws -> LoginFailureState {
        seen.withLock { $0.append(identifier) }
        return LoginFailureState()
    }

    func recordFailure(for identifier: String, policy: LoginBackoffPolicy, now: Date) async throws -> LoginFailureState {
        seen.withLock { $0.append(identifier) }
        return LoginFailureState(failures: 1)
    }

    func reset(_ identifier: String) async throws {
        seen.withLock { $0.append(identifier) }
    }
}

private final class RecordingRateLimitStore: RateLimitStore {
    private let seen = Mutex<[String]>([])
    var keys: [String] { seen.withLock { $0 } }

    func acquire(_ rule: RateLimitRule, key: String, now: Date) async throws -> RateLimitDecision {
        seen.withLock { $0.append(key) }
        return .allowed(remaining: rule.limit - 1)
    }
}
