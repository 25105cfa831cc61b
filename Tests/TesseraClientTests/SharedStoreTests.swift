import Foundation
import HTTPTypes
import Hummingbird
import NIOPosix
import HummingbirdTesting
import RESP
import TesseraClient
import TesseraCore
import TesseraStores
import Testing

/// Shared-store mode: an app reads the sessions Tessera writes, from the same store, and
/// refuses exactly as Tessera would. Runs on memory and on the test Redis.
@Suite struct SharedStoreTests {
    @Test(arguments: SharedStoreFixture.Backend.available)
    func aSessionStartedByTesseraIsAcceptedWithItsIdentity(_ backend: SharedStoreFixture.Backend) async throws {
        let fixture = try await SharedStoreFixture(backend)
        let ada = try await fixture.user("ada", roles: ["seller", "support"])
        let started = try await fixture.tessera.start(for: ada.id, device: "web", deviceName: nil, ip: nil, userAgent: nil)

        try await Application(router: fixture.router()).test(.router) { client in
            let me = try await client.execute(uri: "/me", method: .get, headers: [.authorization: "Bearer \(started.token)"])
            #expect(me.status == .ok)
            #expect(me.headers[.cacheControl] == "no-store")
            let identity = try JSONDecoder().decode(TesseraIdentity.self, from: Data(buffer: me.body))
            #expect(identity == TesseraIdentity(userID: ada.id, username: "ada", roles: ["seller", "support"], sessionID: started.session.id))

            let byCookie = try await client.execute(uri: "/seller", method: .get, headers: [.cookie: "tessera_session=\(started.token)"])
            #expect(byCookie.status == .ok)
            #expect(String(buffer: byCookie.body) == "orders for ada")
        }
        await fixture.close()
    }

    @Test(arguments: SharedStoreFixture.Backend.available)
    func endedSessionsAreRefusedWithTheirReason(_ backend: SharedStoreFixture.Backend) async throws {
        let fixture = try await SharedStoreFixture(backend)
        let ada = try await fixture.user("ada", roles: ["seller"])
        let start = { try await fixture.tessera.start(for: ada.id, device: "web", deviceName: nil, ip: nil, userAgent: nil) }
        let loggedOut = try await start()
        try await fixture.tessera.end(token: loggedOut.token, reason: .loggedOut)
        let kicked = try await start()
        try await fixture.tessera.endAll(of: ada.id, reason: .kickedOut)

        try await Application(router: fixture.router()).test(.router) { client in
            for (token, reason) in [(loggedOut.token, "LOGGED_OUT"), (kicked.token, "KICKED_OUT")] {
                let refused = try await client.execute(uri: "/me", method: .get, headers: [.authorization: "Bearer \(token)"])
                #expect(refused.status == .unauthorized)
                #expect(refused.headers[.contentType] == "application/json; charset=utf-8")
                #expect(errorCode(refused) == reason)
            }
            let anonymous = try await client.execute(uri: "/me", method: .get)
            #expect(anonymous.status == .unauthorized && errorCode(anonymous) == "NOT_LOGGED_IN")
            // A token of another server key is forged as far as this app is concerned.
            let other = SessionTokens(serverKey: .init(data: SecureRandom.bytes(32))).issue(forUserID: ada.id).token
            let forged = try await client.execute(uri: "/me", method: .get, headers: [.authorization: "Bearer \(other)"])
            #expect(forged.status == .unauthorized && errorCode(forged) == "INVALID_TOKEN")
            let page = try await client.execute(uri: "/pages", method: .get, headers: [.authorization: "Bearer \(kicked.token)"])
            #expect(page.status == .found && page.headers[.location] == "/login")
        }
        await fixture.close()
    }

    @Test(arguments: SharedStoreFixture.Backend.available)
    func roleGuardAndDisabledAccounts(_ backend: SharedStoreFixture.Backend) async throws {
        let fixture = try await SharedStoreFixture(backend)
        let bob = try await fixture.user("bob", roles: ["buyer"])
        let token = try await fixture.tessera.start(for: bob.id, device: "web", deviceName: nil, ip: nil, userAgent: nil).token

        try await Application(router: fixture.router()).test(.router) { client in
            let forbidden = try await client.execute(uri: "/seller", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(forbidden.status == .forbidden && errorCode(forbidden) == "FORBIDDEN")
            let noOne = try await client.execute(uri: "/seller", method: .get)
            #expect(noOne.status == .unauthorized && errorCode(noOne) == "NOT_LOGGED_IN")

            // Roles are read from the accounts, so a change made in Tessera counts at once.
            _ = try await fixture.accounts.setRoles(["seller"], for: bob.id)
            let allowed = try await client.execute(uri: "/seller", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(allowed.status == .ok)

            try await fixture.accounts.setStatus(.disabled(until: nil, reason: nil), for: bob.id)
            let disabled = try await client.execute(uri: "/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(disabled.status == .unauthorized && errorCode(disabled) == "ACCOUNT_DISABLED")
        }
        await fixture.close()
    }

    @Test(arguments: SharedStoreFixture.Backend.available)
    func sessionDataIsSharedWithTessera(_ backend: SharedStoreFixture.Backend) async throws {
        let fixture = try await SharedStoreFixture(backend)
        let ada = try await fixture.user("ada")
        let started = try await fixture.tessera.start(for: ada.id, device: "web", deviceName: nil, ip: nil, userAgent: nil)
        let bearer: HTTPFields = [.authorization: "Bearer \(started.token)"]

        try await Application(router: fixture.router()).test(.router) { client in
            let empty = try await client.execute(uri: "/cart", method: .get, headers: bearer)
            #expect(String(buffer: empty.body) == "null")
            let put = try await client.execute(
                uri: "/cart", method: .put, headers: [.authorization: "Bearer \(started.token)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"items":["book","pen"],"total":12.5}"#))
            #expect(put.status == .noContent)
            let read = try await client.execute(uri: "/cart", method: .get, headers: bearer)
            #expect(try JSONDecoder().decode(Cart.self, from: Data(buffer: read.body)) == Cart(items: ["book", "pen"], total: 12.5))
        }
        // Tessera sees the same attribute, as the JSON its own API would serve.
        let stored = try #require(try await fixture.tessera.attribute("cart", of: started.ref))
        #expect(try JSONDecoder().decode(Cart.self, from: Data(stored.utf8)) == Cart(items: ["book", "pen"], total: 12.5))

        // Data of an ended session is refused with the reason, not silently lost.
        try await fixture.tessera.end(token: started.token, reason: .loggedOut)
        let identity = TesseraIdentity(userID: ada.id, username: "ada", roles: [], sessionID: started.session.id)
        await #expect(throws: TesseraClientError(.refused(.loggedOut))) {
            try await fixture.client.data(of: identity).set("cart", to: Cart(items: [], total: 0))
        }
        await fixture.close()
    }

    /// Fails closed: with Redis unreachable a token gets 503 with Retry-After, never a 401
    /// that would log the user out; a request without a token never touches the store.
    @Test func anUnreachableStoreFailsClosed() async throws {
        let closedPort = try await freePort()
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(closedPort)")
        configuration.connectTimeout = .milliseconds(500)
        configuration.commandTimeout = .seconds(1)
        let redis = RedisClient(configuration: configuration)
        let directory = NSTemporaryDirectory() + "tessera-client-" + SecureRandom.identifier(length: 12)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let accounts = try await SQLiteAccountStore(path: directory + "/tessera.sqlite")
        let key = SecureRandom.bytes(32)
        let client = TesseraSharedStore(redis: redis, serverKey: key, accounts: accounts)
        let token = SessionTokens(serverKey: .init(data: key)).issue(forUserID: "1").token
        let router = Router(context: AppContext.self)
        router.add(middleware: TesseraSessionMiddleware(client))
        router.group().add(middleware: RequireTesseraLogin()).get("me") { _, _ in "me" }

        try await Application(router: router).test(.router) { app in
            let down = try await app.execute(uri: "/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(down.status == .serviceUnavailable)
            #expect(errorCode(down) == "STORE_UNAVAILABLE")
            #expect(down.headers[.retryAfter] != nil)
            let anonymous = try await app.execute(uri: "/me", method: .get)
            #expect(anonymous.status == .unauthorized && errorCode(anonymous) == "NOT_LOGGED_IN")
        }
        await redis.close()
        try await accounts.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

func errorCode(_ response: TestResponse) -> String? {
    let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: [String: String]]
    return object?["error"]?["code"]
}

/// A port nothing listens on: bound, read, released.
func freePort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}
