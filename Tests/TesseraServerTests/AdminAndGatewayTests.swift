import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct AdminAndGatewayTests {
    @Test func adminRoutesNeedTheRole() async throws {
        try await TestNode().test { client in
            #expect(try await client.call(.get, "/api/admin/users").errorCode == "NOT_LOGGED_IN")
            let token = try await client.signedIn("kim")
            let refused = try await client.call(.get, "/api/admin/users", token: token)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "FORBIDDEN")
        }
    }

    @Test func adminFindsKicksDisablesEnablesAndSetsRoles() async throws {
        let node = try TestNode()
        try await node.makeAdmin("boss")
        try await node.test { client in
            let admin = try #require(try await client.login("boss").json["token"] as? String)
            let web = try await client.signedIn("lea")
            let phone = try #require(try await client.login("lea", device: "mobile").json["token"] as? String)

            let found = try await client.call(.get, "/api/admin/users?query=LE", token: admin)
            let users = try #require(found.json["users"] as? [[String: Any]])
            #expect(users.map { $0["username"] as? String } == ["lea"])
            let id = try #require(users.first?["id"] as? String)

            let sessions = try await client.call(.get, "/api/admin/users/\(id)/sessions", token: admin)
            #expect((sessions.json["sessions"] as? [Any])?.count == 2)

            #expect(try await client.call(.post, "/api/admin/users/\(id)/kickout", json: #"{"device":"mobile"}"#, token: admin).status == .noContent)
            #expect(try await client.call(.get, "/api/session", token: phone).errorCode == "KICKED_OUT")
            #expect(try await client.call(.get, "/api/session", token: web).status == .ok)

            let until = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            #expect(try await client.call(.post, "/api/admin/users/\(id)/disable", json: #"{"until":"\#(until)","reason":"spam"}"#, token: admin).status == .noContent)
            #expect(try await client.call(.get, "/api/session", token: web).errorCode == "ACCOUNT_DISABLED")
            #expect(try await client.login("lea").errorCode == "ACCOUNT_DISABLED")
            #expect(try await client.call(.post, "/api/admin/users/\(id)/enable", token: admin).status == .noContent)
            #expect(try await client.login("lea").status == .ok)

            let roles = try await client.call(.put, "/api/admin/users/\(id)/roles", json: #"{"roles":["seller","support"]}"#, token: admin)
            #expect(roles["user.roles"] as? [String] == ["seller", "support"])
            #expect(try await client.call(.put, "/api/admin/users/\(id)/roles", json: #"{"roles":["Not A Role"]}"#, token: admin).errorCode == "INVALID_INPUT")
            #expect(try await client.call(.post, "/api/admin/users/nobody/enable", token: admin).errorCode == "NOT_FOUND")
        }
    }

    @Test func anAdminCannotLockThemselvesOut() async throws {
        let node = try TestNode()
        try await node.makeAdmin("solo")
        try await node.test { client in
            let admin = try #require(try await client.login("solo").json["token"] as? String)
            let me = try #require(try await client.call(.get, "/api/session", token: admin)["user.id"] as? String)
            #expect(try await client.call(.post, "/api/admin/users/\(me)/disable", json: "{}", token: admin).errorCode == "SELF_LOCKOUT")
            #expect(try await client.call(.post, "/api/admin/users/\(me)/kickout", json: "{}", token: admin).errorCode == "SELF_LOCKOUT")
            let demoted = try await client.call(.put, "/api/admin/users/\(me)/roles", json: #"{"roles": ["viewer"]}"#, token: admin)
            #expect(demoted.status == .conflict && demoted.errorCode == "SELF_LOCKOUT")
            let kept = try await client.call(.put, "/api/admin/users/\(me)/roles", json: #"{"roles": ["admin", "viewer"]}"#, token: admin)
            #expect(kept.status == .ok)
            #expect(try await client.call(.get, "/api/admin/users", token: admin).status == .ok)
        }
    }

    @Test func authVerifyAnswersNginxWithHeaders() async throws {
        let node = try TestNode()
        try await node.makeAdmin("ops")
        try await node.test { client in
            let token = try #require(try await client.login("ops").json["token"] as? String)
            let ok = try await client.call(.get, "/auth/verify", token: token)
            #expect(ok.status == .ok)
            #expect(ok.headers[HTTPField.Name("X-Tessera-User-Name")!] == "ops")
            #expect(ok.headers[HTTPField.Name("X-Tessera-Roles")!] == "admin")
            #expect(ok.headers[HTTPField.Name("X-Tessera-User-Id")!]?.isEmpty == false)
            let refused = try await client.call(.get, "/auth/verify", token: "ts1.nope")
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[HTTPField.Name("X-Tessera-Reason")!] == "INVALID_TOKEN")
        }
    }

    @Test func healthAndMetrics() async throws {
        try await TestNode().test { client in
            #expect(try await client.call(.get, "/health/live")["status"] as? String == "ok")
            #expect(try await client.call(.get, "/health/ready")["status"] as? String == "ok")
            _ = try await client.call(.get, "/api/session", token: "ts1.nope")
            let metrics = String(decoding: try await client.call(.get, "/metrics").body, as: UTF8.self)
            #expect(metrics.contains(#"tessera_session_refusals_total{reason="INVALID_TOKEN"} 1"#))
        }
    }
}
