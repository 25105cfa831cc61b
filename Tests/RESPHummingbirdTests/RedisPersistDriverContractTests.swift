import Foundation
import Hummingbird
import RESP
import Testing

@testable import RESPHummingbird

/// The `PersistDriver` contract, run against a single redis-server and the Redis Cluster.
@Suite struct RedisPersistDriverContractTests {
    struct Cart: Codable, Equatable {
        var items: [String]
        var total: Int
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func createThenGet(_ backend: PersistBackend) async throws {
        try await backend.withDriver { driver, client in
            let cart = Cart(items: ["apple", "pear"], total: 7)
            try await driver.create(key: "cart", value: cart, expires: nil)
            #expect(try await driver.get(key: "cart", as: Cart.self) == cart)

            // Stored as JSON under the prefixed key, readable by any program.
            let raw = try #require(try await client.send("GET", driver.keyPrefix + "cart").string)
            #expect(try JSONDecoder().decode(Cart.self, from: Data(raw.utf8)) == cart)
            #expect(try await client.send("PTTL", driver.keyPrefix + "cart").int == -1)
        }
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func createRefusesAnExistingKey(_ backend: PersistBackend) async throws {
        try await backend.withDriver { driver, _ in
            try await driver.create(key: "name", value: "ada", expires: .seconds(60))
            await #expect(throws: PersistError.duplicate) {
                try await driver.create(key: "name", value: "grace", expires: nil)
            }
            #expect(try await driver.get(key: "name", as: String.self) == "ada")
        }
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func setCreatesAndReplaces(_ backend: PersistBackend) async throws {
        try await backend.withDriver { driver, _ in
            try await driver.set(key: "count", value: 1, expires: nil)
            #expect(try await driver.get(key: "count", as: Int.self) == 1)
            try await driver.set(key: "count", value: 2, expires: nil)
            #expect(try await driver.get(key: "count", as: Int.self) == 2)
        }
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func setWithoutExpiryKeepsTheKeysExpiry(_ backend: PersistBackend) async throws {
        try await backend.withDriver { driver, client in
            let key = driver.keyPrefix + "token"
            try await driver.create(key: "token", value: "a", expires: .seconds(600))
            try await driver.set(key: "token", value: "b", expires: nil)
            let kept = try #require(try await client.send("PTTL", key).int)
            #expect(kept > 0 && kept <= 600_000)

            try await driver.set(key: "token", value: "c", expires: .seconds(30))
            let replaced = try #require(try await client.send("PTTL", key).int)
            #expect(replaced > 0 && replaced <= 30_000)
            #expect(try await driver.get(key: "token", as: String.self) == "c")
        }
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func getOfAMissingKeyIsNil(_ backend: PersistBackend) async throws {
        try await backend.withDriver { driver, _ in
            let value = try await driver.get(key: "missing", as: String.self)
            let withTTL = try await driver.getWithTTL(key: "missing", as: String.self)
            #expect(value == nil)
            #expect(withTTL == nil)
        }
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func aValueOfAnotherTypeIsAConversionError(_ backend: PersistBackend) async throws {
        try await backend.withDriver { driver, client in
            try await driver.set(key: "cart", value: "not a cart", expires: nil)
            await #expect(throws: PersistError.invalidConversion) {
                try await driver.get(key: "cart", as: Cart.self)
            }
            // Bytes another program wrote, not JSON at all.
            try await client.send("SET", driver.keyPrefix + "raw", "{not json")
            await #expect(throws: PersistError.invalidConversion) {
                try await driver.get(key: "raw", as: String.self)
            }
        }
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func removeDeletesTheKey(_ backend: PersistBackend) async throws {
        try await backend.withDriver { driver, client in
            try await driver.create(key: "gone", value: true, expires: nil)
            try await driver.remove(key: "gone")
            #expect(try await driver.get(key: "gone", as: Bool.self) == nil)
            #expect(try await client.send("EXISTS", driver.keyPrefix + "gone").int == 0)
            try await driver.remove(key: "never-there")
            // Once removed, the key can be created again.
            try await driver.create(key: "gone", value: false, expires: nil)
            #expect(try await driver.get(key: "gone", as: Bool.self) == false)
        }
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func valuesExpire(_ backend: PersistBackend) async throws {
        try await backend.withDriver { driver, client in
            try await driver.create(key: "short", value: "soon gone", expires: .milliseconds(1500))
            try await driver.create(key: "hour", value: "later", expires: .seconds(3600))
            try await driver.set(key: "forever", value: "stays", expires: nil)

            // -2 when it already expired on a slow machine; never -1 (no expiry) or more than asked.
            let milliseconds = try #require(try await client.send("PTTL", driver.keyPrefix + "short").int)
            #expect(milliseconds != -1 && milliseconds <= 1500)
            let hour = try #require(try await driver.getWithTTL(key: "hour", as: String.self))
            #expect(hour.object == "later")
            let left = try #require(hour.ttl)
            #expect(left > .seconds(3500) && left <= .seconds(3600))
            let forever = try #require(try await driver.getWithTTL(key: "forever", as: String.self))
            #expect(forever.object == "stays" && forever.ttl == nil)

            // Redis expires the key itself; nothing on the driver's side has to run.
            var remaining = try await driver.get(key: "short", as: String.self)
            for _ in 0..<100 where remaining != nil {
                try await Task.sleep(for: .milliseconds(100))
                remaining = try await driver.get(key: "short", as: String.self)
            }
            #expect(remaining == nil)
            #expect(try await client.send("EXISTS", driver.keyPrefix + "short").int == 0)
            #expect(try await driver.get(key: "forever", as: String.self) == "stays")
        }
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func keysSpreadOverEverySlotStillRoundTrip(_ backend: PersistBackend) async throws {
        try await backend.withDriver { driver, _ in
            // On the cluster these keys land on all three primaries.
            let keys = (0..<40).map { "user:\($0)" }
            for key in keys { try await driver.create(key: key, value: key, expires: .seconds(60)) }
            for key in keys { #expect(try await driver.get(key: key, as: String.self) == key) }
            for key in keys { try await driver.remove(key: key) }
            for key in keys { #expect(try await driver.get(key: key, as: String.self) == nil) }
        }
    }

    @Test("a Redis that is down is an error, never a missing value")
    func failsClosedWhenRedisIsDown() async throws {
        // A port that was free a moment ago: nothing listens there.
        let port = try await freePort()
        let client = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:\(port)?connect_timeout=500ms"))
        let driver = RedisPersistDriver(client: client)
        await #expect(throws: RedisClientError.self) {
            try await driver.get(key: "session", as: String.self)
        }
        await #expect(throws: RedisClientError.self) {
            try await driver.create(key: "session", value: "x", expires: nil)
        }
        await client.close()
    }

    @Test("expiries are whole milliseconds, rounded up, never zero")
    func expiryInMilliseconds() {
        #expect(RedisPersistDriver.milliseconds(.seconds(2)) == 2000)
        #expect(RedisPersistDriver.milliseconds(.microseconds(1500)) == 2)
        #expect(RedisPersistDriver.milliseconds(.nanoseconds(1)) == 1)
        #expect(RedisPersistDriver.milliseconds(.zero) == 1)
        #expect(RedisPersistDriver.milliseconds(.seconds(-5)) == 1)
    }
}
