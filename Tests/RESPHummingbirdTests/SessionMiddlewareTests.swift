import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import RESP
import RESPHummingbird
import Testing

/// hummingbird-auth's own `SessionMiddleware`, unchanged, keeping its sessions in Redis through
/// ``RedisPersistDriver``.
@Suite struct SessionMiddlewareTests {
    struct UserSession: Codable, Sendable, Equatable {
        var user: String
        var visits: Int
    }

    struct User: Sendable {
        var name: String
    }

    typealias Context = BasicSessionRequestContext<UserSession, User>

    /// `POST /login` starts a session, `GET /session` counts a visit on it (401 without one),
    /// `POST /logout` ends it.
    static func application(persist: RedisPersistDriver) -> some ApplicationProtocol {
        let router = Router(context: Context.self)
        router.add(middleware: SessionMiddleware(storage: persist))
        router.post("login") { _, context -> HTTPResponse.Status in
            context.sessions.createSession(UserSession(user: "ada", visits: 0), expiresIn: .seconds(300))
            return .ok
        }
        router.get("session") { _, context -> String in
            guard let session = context.sessions.session else { throw HTTPError(.unauthorized) }
            let visits = session.visits + 1
            _ = context.sessions.updateSession(UserSession(user: session.user, visits: visits))
            return "\(session.user) \(visits)"
        }
        router.post("logout") { _, context -> HTTPResponse.Status in
            context.sessions.clearSession()
            return .ok
        }
        return Application(router: router)
    }

    /// The session id in a `Set-Cookie` header, and the header's `name=value` part to send back.
    static func sessionCookie(_ setCookie: String?) throws -> (id: String, cookie: String) {
        let cookie = try #require(setCookie?.split(separator: ";").first.map(String.init))
        let id = try #require(cookie.split(separator: "=", maxSplits: 1).last.map(String.init))
        #expect(cookie.hasPrefix("SESSION_ID="))
        return (id, cookie)
    }

    @Test(.enabled(if: TestServers.redisEnabled || TestServers.redisClusterEnabled, TestServers.skipMessage),
          arguments: PersistBackend.available)
    func sessionIsStoredInRedisAndReadBack(_ backend: PersistBackend) async throws {
        try await backend.withDriver { persist, client in
            try await Self.application(persist: persist).test(.router) { http in
                try await http.execute(uri: "/session", method: .get) { response in
                    #expect(response.status == .unauthorized)
                }
                let setCookie = try await http.execute(uri: "/login", method: .post) { response in
                    #expect(response.status == .ok)
                    return response.headers[.setCookie]
                }
                let (id, cookie) = try Self.sessionCookie(setCookie)

                // The middleware's key ("hbs." + id) is in Redis, as JSON, with the session's expiry.
                let key = persist.keyPrefix + "hbs." + id
                let stored = try #require(try await client.send("GET", key).string)
                #expect(try JSONDecoder().decode(UserSession.self, from: Data(stored.utf8)) == UserSession(user: "ada", visits: 0))
                let ttl = try #require(try await client.send("PTTL", key).int)
                #expect(ttl > 0 && ttl <= 300_000)

                // The next requests read it back from Redis and update it there.
                for visit in 1...2 {
                    try await http.execute(uri: "/session", method: .get, headers: [.cookie: cookie]) { response in
                        #expect(response.status == .ok)
                        #expect(String(buffer: response.body) == "ada \(visit)")
                    }
                }
                let updated = try #require(try await client.send("GET", key).string)
                #expect(try JSONDecoder().decode(UserSession.self, from: Data(updated.utf8)).visits == 2)
                // An update without a new expiry keeps the session's.
                let kept = try #require(try await client.send("PTTL", key).int)
                #expect(kept > 0 && kept <= 300_000)

                try await http.execute(uri: "/logout", method: .post, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .ok)
                }
                #expect(try await client.send("EXISTS", key).int == 0)
                try await http.execute(uri: "/session", method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .unauthorized)
                }
            }
        }
    }

    @Test(.enabled(if: TestServers.redisEnabled, TestServers.skipMessage))
    func aSessionDeletedInRedisIsGone() async throws {
        try await PersistBackend.redis.withDriver { persist, client in
            try await Self.application(persist: persist).test(.live) { http in
                let setCookie = try await http.execute(uri: "/login", method: .post) { $0.headers[.setCookie] }
                let (id, cookie) = try Self.sessionCookie(setCookie)
                try await http.execute(uri: "/session", method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .ok)
                }
                // Another node (or an administrator) ends the session in Redis: this app sees it at once.
                #expect(try await client.send("DEL", persist.keyPrefix + "hbs." + id).int == 1)
                try await http.execute(uri: "/session", method: .get, headers: [.cookie: cookie]) { response in
                    #expect(response.status == .unauthorized)
                }
            }
        }
    }
}
