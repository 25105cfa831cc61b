import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TesseraCore

@Suite struct SessionFlowTests {
    @Test(arguments: Backend.available)
    func registerLoginWhoamiLogout(_ backend: Backend) async throws {
        try await backend.node().test { client in
            let registered = try await client.register("ada", email: "Ada@Example.com")
            #expect(registered.status == .created)
            #expect(registered["user.email"] as? String == "ada@example.com")
            #expect(registered.headers[.contentType] == "application/json; charset=utf-8")

            let login = try await client.login("ada")
            #expect(login.status == .ok)
            let token = try #require(login.json["token"] as? String)
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.hasPrefix("tessera_session=\(token)"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))

            let whoami = try await client.call(.get, "/api/session", token: token)
            #expect(whoami.status == .ok)
            #expect(whoami["user.username"] as? String == "ada")
            #expect(whoami["session.current"] as? Bool == true)
            #expect(whoami.headers[.cacheControl] == "no-store")

            #expect(try await client.call(.post, "/api/logout", token: token).status == .noContent)
            let after = try await client.call(.get, "/api/session", token: token)
            #expect(after.status == .unauthorized)
            #expect(after.errorCode == "LOGGED_OUT")
            #expect(after.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    @Test func theCookieAuthenticatesAndTheQueryStringDoesNot() async throws {
        try await TestNode().test { client in
            let token = try await client.signedIn("bea")
            let byCookie = try await client.call(.get, "/api/session", headers: [.cookie: "other=1; tessera_session=\(token)"])
            #expect(byCookie.status == .ok)
            let byQuery = try await client.call(.get, "/api/session?token=\(token)&tessera_session=\(token)")
            #expect(byQuery.errorCode == "NOT_LOGGED_IN")
        }
    }

    @Test func aCrossSiteWriteByCookieIsRefused() async throws {
        try await TestNode().test { client in
            let token = try await client.signedIn("cyd")
            let cookie: HTTPFields = [.cookie: "tessera_session=\(token)", .origin: "https://evil.example"]
            let refused = try await client.call(.post, "/api/logout", headers: cookie)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "CSRF_REJECTED")
            #expect(try await client.call(.get, "/api/session", token: token).status == .ok)
            let sameSite = try await client.call(.post, "/api/logout", headers: [.cookie: "tessera_session=\(token)", .origin: "http://tessera.test"])
            #expect(sameSite.status == .noContent)
            let bearerFromAnywhere = try await client.call(.post, "/api/logout", token: try await client.signedIn("cyd2"), headers: [.origin: "https://evil.example"])
            #expect(bearerFromAnywhere.status == .noContent)
        }
    }

    @Test(arguments: Backend.available)
    func everyRefusalReasonHasItsScenario(_ backend: Backend) async throws {
        let node = try backend.node(["max-sessions": .number(2), "idle-timeout": .text("10m")])
        try await node.makeAdmin("root")
        try await node.test { client in
            #expect(try await client.call(.get, "/api/session").errorCode == "NOT_LOGGED_IN")
            #expect(try await client.call(.get, "/api/session", token: "ts1.garbage").errorCode == "INVALID_TOKEN")

            let loggedOut = try await client.signedIn("dee")
            _ = try await client.call(.post, "/api/logout", token: loggedOut)
            #expect(try await client.call(.get, "/api/session", token: loggedOut).errorCode == "LOGGED_OUT")

            let kicked = try await client.login("dee")
            let kickedToken = try #require(kicked.json["token"] as? String)
            let kickedID = try #require(kicked["session.id"] as? String)
            let other = try #require(try await client.login("dee").json["token"] as? String)
            #expect(try await client.call(.delete, "/api/sessions/\(kickedID)", token: other).status == .noContent)
            #expect(try await client.call(.get, "/api/session", token: kickedToken).errorCode == "KICKED_OUT")

            let first = try await client.signedIn("eve")
            node.clock.advance(by: .seconds(1))
            _ = try await client.login("eve")
            node.clock.advance(by: .seconds(1))
            _ = try await client.login("eve")
            #expect(try await client.call(.get, "/api/session", token: first).errorCode == "REPLACED")

            let admin = try #require(try await client.login("root").json["token"] as? String)
            let victim = try await client.signedIn("fay")
            let fayID = try #require(try await client.call(.get, "/api/session", token: victim)["user.id"] as? String)
            #expect(try await client.call(.post, "/api/admin/users/\(fayID)/disable", token: admin).status == .noContent)
            let disabled = try await client.call(.get, "/api/session", token: victim)
            #expect(disabled.errorCode == "ACCOUNT_DISABLED")
            #expect(disabled.headers[HTTPField.Name("X-Tessera-Reason")!] == "ACCOUNT_DISABLED")
            #expect(try await client.login("fay").errorCode == "ACCOUNT_DISABLED")

            let idle = try await client.signedIn("gus")
            node.clock.advance(by: .seconds(11 * 60))
            #expect(try await client.call(.get, "/api/session", token: idle).errorCode == "SESSION_EXPIRED")
        }
    }

    @Test(arguments: Backend.available)
    func twentyConcurrentLoginsUnderRejectLeaveThree(_ backend: Backend) async throws {
        let node = try backend.node(["max-sessions": .number(3), "session-overflow": .text("reject")])
        try await node.test { client in
            #expect(try await client.register("hal").status == .created)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 { group.addTask { try await client.login("hal").status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 3)
            #expect(statuses.filter { $0 == .conflict }.count == 17)
            #expect(try await client.login("hal").errorCode == "SESSION_LIMIT")
        }
    }

    @Test func listingAndRevokingOwnSessions() async throws {
        try await TestNode().test { client in
            let a = try await client.signedIn("ivy")
            let b = try #require(try await client.login("ivy", device: "mobile").json["token"] as? String)
            let c = try #require(try await client.login("ivy", device: "desktop").json["token"] as? String)
            let list = try await client.call(.get, "/api/sessions", token: a)
            let sessions = try #require(list.json["sessions"] as? [[String: Any]])
            #expect(sessions.count == 3)
            #expect(sessions.filter { $0["current"] as? Bool == true }.count == 1)
            #expect(!String(decoding: list.body, as: UTF8.self).contains(a))

            #expect(try await client.call(.delete, "/api/sessions/00000000000000000000000000000000", token: a).errorCode == "NOT_FOUND")
            #expect(try await client.call(.delete, "/api/sessions", token: a).status == .noContent)
            #expect(try await client.call(.get, "/api/session", token: b).errorCode == "KICKED_OUT")
            #expect(try await client.call(.get, "/api/session", token: c).errorCode == "KICKED_OUT")
            #expect(try await client.call(.get, "/api/session", token: a).status == .ok)
        }
    }

    @Test func changingThePasswordChecksTheCurrentOneAndCanEndOtherSessions() async throws {
        try await TestNode().test { client in
            let token = try await client.signedIn("jon")
            let other = try #require(try await client.login("jon").json["token"] as? String)
            let wrong = try await client.call(.post, "/api/password", json: #"{"currentPassword":"nope nope nope","newPassword":"another fine phrase"}"#, token: token)
            #expect(wrong.errorCode == "BAD_CREDENTIALS")
            let weak = try await client.call(.post, "/api/password", json: #"{"currentPassword":"correct horse battery","newPassword":"password"}"#, token: token)
            #expect(weak.errorCode == "WEAK_PASSWORD")
            let changed = try await client.call(.post, "/api/password", json: #"{"currentPassword":"correct horse battery","newPassword":"another fine phrase","endOtherSessions":true}"#, token: token)
            #expect(changed.status == .noContent)
            #expect(try await client.call(.get, "/api/session", token: other).errorCode == "KICKED_OUT")
            #expect(try await client.call(.get, "/api/session", token: token).status == .ok)
            #expect(try await client.login("jon").errorCode == "BAD_CREDENTIALS")
            #expect(try await client.login("jon", password: "another fine phrase").status == .ok)
        }
    }
}
