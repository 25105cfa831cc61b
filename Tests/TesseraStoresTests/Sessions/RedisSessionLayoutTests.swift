import Crypto
import Foundation
import RESP
import Testing
import TesseraCore
import TesseraStores

/// What the Redis session store keeps in Redis, on a lone Redis and on the cluster: session
/// hashes that stay compact (a listpack) with a browser's long user agent, and sessions
/// written before long values were cut into pieces, read as they were written.
@Suite struct RedisSessionLayoutTests {
    let tokens = SessionTokens(serverKey: SymmetricKey(size: .bits256))

    struct Harness {
        var client: RedisClient
        var namespace: String
        var service: SessionService
        var clock: ManualWallClock

        func hashKey(_ ref: SessionRef) -> String { "\(namespace):{u:\(ref.tag)}:s:\(ref.id)" }

        func encoding(_ ref: SessionRef) async throws -> String? {
            try await client.send("OBJECT", "ENCODING", hashKey(ref)).string
        }

        func active(_ token: String) async throws -> Session? {
            guard case .active(let session) = try await service.resolve(token: token) else { return nil }
            return session
        }
    }

    func harness(_ backend: SessionStoreBackend) throws -> Harness {
        let (store, client, namespace) = try backend.makeRedisStore()
        let clock = ManualWallClock(Date())
        let service = SessionService(tokens: tokens, store: store, policy: SessionPolicy(), clock: clock)
        return Harness(client: client, namespace: namespace, service: service, clock: clock)
    }

    func user() -> String { "user-\(SecureRandom.identifier(length: 12))" }

    @Test(arguments: SessionStoreBackend.redisServers)
    func aBrowserSessionStaysAListpack(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.client.close() } }
        let started = try await h.service.start(
            for: user(), device: "web", deviceName: LongSessionValues.deviceName, ip: "203.0.113.7",
            userAgent: LongSessionValues.userAgent)
        #expect(try await h.encoding(started.ref) == "listpack")

        let visitor = try await h.service.startAnonymous(ip: "203.0.113.8", userAgent: LongSessionValues.userAgent, key: "cart", value: "[]")
        #expect(try await h.encoding(visitor.ref) == "listpack")
        guard case .active(let anonymous) = try await h.service.check(visitor.ref) else { Issue.record("not active"); return }
        #expect(anonymous.userAgent.map { Array($0.utf8) } == Array(LongSessionValues.userAgent.utf8))
    }

    /// Lengths around the edges of the pieces, and of the pieces the check reads at once.
    @Test(arguments: SessionStoreBackend.redisServers)
    func everyLengthAroundAPieceComesBackWhole(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.client.close() } }
        let owner = user()
        var expected: [String: (agent: String, name: String)] = [:]
        for length in [1, 63, 64, 65, 127, 128, 129, 192, 193, 256, 257, 400] {
            let agent = String((0..<length).map { Character(UnicodeScalar(UInt8(33 + $0 % 90))) })
            let name = String(agent.reversed())
            let started = try await h.service.start(for: owner, device: "web", deviceName: name, ip: nil, userAgent: agent)
            let session = try await h.active(started.token)
            #expect(session?.userAgent == agent, "a user agent of \(length) bytes")
            #expect(session?.deviceName == name, "a device name of \(length) bytes")
            #expect(try await h.encoding(started.ref) == "listpack", "\(length) bytes")
            expected[started.session.id] = (agent, name)
        }
        let listed = try await h.service.sessions(of: owner)
        #expect(listed.count == expected.count)
        for session in listed {
            #expect(session.userAgent == expected[session.id]?.agent)
            #expect(session.deviceName == expected[session.id]?.name)
        }
    }

    /// A deployment that upgrades keeps the sessions it has: those hold a long user agent and
    /// device name in one field each ("ua", "dn"), as the scripts wrote them before.
    @Test(arguments: SessionStoreBackend.redisServers)
    func aSessionWrittenBeforePiecesReadsAsItWasWritten(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.client.close() } }
        let owner = user()
        let issued = tokens.issue(forUserID: owner)
        let now = Int64(h.clock.now().timeIntervalSince1970 * 1000)
        let idle: Int64 = 30 * 60 * 1000, absolute: Int64 = 12 * 3600 * 1000
        let key = h.hashKey(issued.ref), index = "\(h.namespace):{u:\(issued.ref.tag)}:i:\(owner)"
        try await h.client.send(RedisCommand([
            "HSET", key, "uid", owner, "dev", "mobile", "dn", LongSessionValues.deviceName, "ip", "203.0.113.7",
            "ua", LongSessionValues.userAgent, "c", String(now), "ls", String(now), "it", String(idle), "ax", String(now + absolute),
        ]))
        try await h.client.send("PEXPIRE", key, String(idle))
        try await h.client.send("ZADD", index, String(now + idle), issued.ref.id)
        try await h.client.send("PEXPIRE", index, String(absolute))
        // Redis at its defaults turns such a hash into a hashtable: what the pieces avoid.
        #expect(try await h.encoding(issued.ref) == "hashtable")

        let session = try await h.active(issued.token)
        #expect(session?.userID == owner)
        #expect(session?.device == "mobile")
        #expect(session?.userAgent.map { Array($0.utf8) } == Array(LongSessionValues.userAgent.utf8))
        #expect(session?.deviceName.map { Array($0.utf8) } == Array(LongSessionValues.deviceName.utf8))
        let listed = try await h.service.sessions(of: owner)
        #expect(listed.map(\.id) == [issued.ref.id])
        #expect(listed.first?.userAgent.map { Array($0.utf8) } == Array(LongSessionValues.userAgent.utf8))
        #expect(listed.first?.deviceName.map { Array($0.utf8) } == Array(LongSessionValues.deviceName.utf8))
    }
}
