import Foundation
import Hummingbird
import NIOCore
import RESP

/// Hummingbird's key/value persistence (`PersistDriver`) on Redis or Valkey through a
/// ``RESP/RedisClient``, standalone or Redis Cluster alike.
///
/// Values are stored as JSON under `keyPrefix` + the key, so anything `Codable` fits and other
/// programs can read them. Expiry is Redis's own (`PX`), so nothing needs tidying. Hand it to
/// anything that takes a `PersistDriver`, such as hummingbird-auth's `SessionMiddleware`:
///
/// ```swift
/// let redis = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:6379"))
/// let persist = RedisPersistDriver(client: redis, keyPrefix: "shop:")
/// try await persist.create(key: "cart:42", value: ["apple", "pear"], expires: .seconds(3600))
/// let cart = try await persist.get(key: "cart:42", as: [String].self)   // ["apple", "pear"]
///
/// let router = Router(context: BasicSessionRequestContext<UserSession, User>.self)
/// router.add(middleware: SessionMiddleware(storage: persist))
/// ```
///
/// The driver does not own the client: close the client when the application is done with it.
/// Keeping a key's expiry on ``set(key:value:expires:)`` without a new one uses `SET … KEEPTTL`,
/// which needs Redis 6.0 or later (or any Valkey). Errors from Redis are passed on as
/// ``RESP/RedisClientError`` (a store that is down fails, it never reads as "no value").
public struct RedisPersistDriver: PersistDriver {
    /// The client that commands go through; it routes every key to its cluster node by itself.
    public let client: RedisClient
    /// Put before every key, to keep this driver's keys apart from others on the same server.
    public let keyPrefix: String

    public init(client: RedisClient, keyPrefix: String = "") {
        self.client = client
        self.keyPrefix = keyPrefix
    }

    /// Stores `value` under `key` unless the key exists (`SET … NX`); throws
    /// `PersistError.duplicate` if it does.
    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        var arguments = try self.setArguments(key: key, value: value, expires: expires)
        arguments.append(ByteBuffer(string: "NX"))
        let reply = try await self.client.send(RedisCommand(arguments))
        // SET … NX answers null when it stored nothing.
        if reply.isNull { throw PersistError.duplicate }
    }

    /// Stores `value` under `key`, replacing what is there. With no `expires` an existing key keeps
    /// the expiry it had (`KEEPTTL`), as the protocol asks.
    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        var arguments = try self.setArguments(key: key, value: value, expires: expires)
        if expires == nil { arguments.append(ByteBuffer(string: "KEEPTTL")) }
        try await self.client.send(RedisCommand(arguments))
    }

    /// The value under `key`, or `nil` when there is none (or it expired). A value that does not
    /// decode as `Object` throws `PersistError.invalidConversion`.
    public func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        let reply = try await self.client.send(RedisCommand([ByteBuffer(string: "GET"), self.storageKey(key)]))
        return try Self.decode(reply, as: type)
    }

    /// The value under `key` and how long it has left (`nil` when it never expires).
    ///
    /// `GET` and `PTTL` are sent together, so this costs one round trip. A key that expires between
    /// the two is reported missing.
    public func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let storageKey = self.storageKey(key)
        async let value = self.client.send(RedisCommand([ByteBuffer(string: "GET"), storageKey]))
        async let milliseconds = self.client.send(RedisCommand([ByteBuffer(string: "PTTL"), storageKey]))
        guard let object = try Self.decode(try await value, as: type) else { return nil }
        // PTTL: -1 when the key has no expiry, -2 when it no longer exists.
        switch try await milliseconds.int {
        case .some(let left) where left >= 0: return (object, .milliseconds(left))
        case .some(-1): return (object, nil)
        default: return nil
        }
    }

    /// Deletes `key`; a missing key is not an error.
    public func remove(key: String) async throws {
        try await self.client.send(RedisCommand([ByteBuffer(string: "DEL"), self.storageKey(key)]))
    }

    private func storageKey(_ key: String) -> ByteBuffer {
        ByteBuffer(string: self.keyPrefix + key)
    }

    /// `SET key json [PX milliseconds]`.
    private func setArguments(key: String, value: some Encodable, expires: Duration?) throws -> [ByteBuffer] {
        var arguments = [ByteBuffer(string: "SET"), self.storageKey(key), ByteBuffer(bytes: try JSONEncoder().encode(value))]
        if let expires {
            arguments.append(ByteBuffer(string: "PX"))
            arguments.append(ByteBuffer(string: String(Self.milliseconds(expires))))
        }
        return arguments
    }

    /// Whole milliseconds, rounded up, and at least 1: Redis refuses `PX 0`, and an expiry of zero
    /// or less means a value that is gone almost at once rather than one that never expires.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let partial = attoseconds > 0 ? (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000 : 0
        let (total, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return seconds > 0 ? Int64.max : 1 }
        return max(1, total &+ partial)
    }

    private static func decode<Object: Decodable>(_ reply: RESPValue, as type: Object.Type) throws -> Object? {
        if reply.isNull { return nil }
        guard let bytes = reply.bytes else { throw PersistError.invalidConversion }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes.readableBytesView))
        } catch {
            throw PersistError.invalidConversion
        }
    }
}
