import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Malformed, oversized and hostile input: always a 4xx with the JSON error shape, never a
/// 500, never a half-written account.
@Suite struct HostileInputTests {
    static let bodies: [(String, String)] = [
        ("not json", "{username"),
        ("wrong types", #"{"username": 5, "password": ["x"]}"#),
        ("missing fields", #"{"username": "mo"}"#),
        ("null", "null"),
        ("array", "[1,2,3]"),
        ("nul bytes", "{\"username\": \"a\u{0}b\", \"password\": \"correct horse battery\"}"),
        ("deep nesting", String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)),
        ("huge number", #"{"username": 1e999999, "password": "x"}"#),
        ("long username", #"{"username": "\#(String(repeating: "a", count: 10000))", "password": "correct horse battery"}"#),
        ("invalid utf8 escape", #"{"username": "\udc00", "password": "correct horse battery"}"#),
        ("trailing comma", #"{"username": "mo", "password": "correct horse battery",}"#),
        ("repeated key", #"{"username": "mo", "username": "ma", "password": "correct horse battery"}"#),
        ("comment", #"{"username": "mo" /* hi */, "password": "correct horse battery"}"#),
        ("two values", #"{} {}"#),
    ]

    @Test func aSloppyBodyNeverActsAsAnEmptyOne() async throws {
        let node = try TestNode()
        try await node.makeAdmin("chief")
        try await node.test { client in
            let admin = try #require(try await client.login("chief").json["token"] as? String)
            let victim = try await client.signedIn("quin")
            let id = try #require(try await client.call(.get, "/api/session", token: victim)["user.id"] as? String)
            let invalidUTF8 = ByteBuffer(bytes: Array(#"{"note": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8))
            for body in [#"{"device": "mobile",}"#, #"{"device": "mobile", "device": "web"}"#, "[]"].map({ ByteBuffer(string: $0) }) + [invalidUTF8] {
                let reply = try await client.call(.post, "/api/admin/users/\(id)/kickout", token: admin, headers: [.contentType: "application/json"], rawBody: body)
                #expect(reply.errorCode == "INVALID_INPUT", "\(String(buffer: body))")
            }
            #expect(try await client.call(.get, "/api/session", token: victim).status == .ok)
        }
    }

    @Test func everyMalformedBodyIsA400WithTheErrorShape() async throws {
        try await TestNode().test { client in
            let token = try await client.signedIn("nia")
            for path in ["/api/accounts", "/api/login", "/api/password"] {
                for (name, body) in Self.bodies {
                    let reply = try await client.call(.post, path, json: body, token: path == "/api/password" ? token : nil)
                    #expect((400..<500).contains(reply.status.code), "\(path) \(name): \(reply.status)")
                    #expect(reply.errorCode != nil, "\(path) \(name)")
                    #expect(reply.headers[.contentType] == "application/json; charset=utf-8", "\(path) \(name)")
                }
            }
        }
    }

    @Test func aMegabyteBodyIs413AndBinaryIs400() async throws {
        try await TestNode().test { client in
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 1 << 20)
            let tooLarge = try await client.call(.post, "/api/accounts", rawBody: big)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorCode == "PAYLOAD_TOO_LARGE")
            let binary = ByteBuffer(bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            #expect(try await client.call(.post, "/api/login", rawBody: binary).errorCode == "INVALID_INPUT")
            #expect(try await client.call(.post, "/api/login").errorCode == "INVALID_INPUT")
        }
    }

    @Test func garbledTokensAndHeadersAreRefusedNotCrashed() async throws {
        try await TestNode().test { client in
            let values = [
                String(repeating: "x", count: 8000), "ts1." + String(repeating: ".", count: 500), "\u{7f}\u{1}",
                "ts1.aaaaaaaaaaaa." + String(repeating: "A", count: 43) + "." + String(repeating: "A", count: 22), "Bearer",
            ]
            for value in values {
                let bearer = try await client.call(.get, "/api/session", headers: [.authorization: "Bearer \(value)"])
                #expect(bearer.status == .unauthorized)
                let cookie = try await client.call(.get, "/api/session", headers: [.cookie: "tessera_session=\(value); tessera_session=x"])
                #expect(cookie.status == .unauthorized)
            }
            #expect(try await client.call(.get, "/api/session", headers: [.authorization: "Basic Zm9vOmJhcg=="]).errorCode == "NOT_LOGGED_IN")
        }
    }

    @Test func unknownRoutesAndMethodsAnswerJSON() async throws {
        try await TestNode().test { client in
            let missing = try await client.call(.get, "/api/nothing-here")
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "NOT_FOUND")
            let wrongMethod = try await client.call(.put, "/api/login", json: "{}")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.errorCode == "METHOD_NOT_ALLOWED")
            #expect(wrongMethod.headers[.allow] == "POST")
            #expect(try await client.call(.delete, "/api/sessions/x/y").status == .notFound)
        }
    }

    @Test func aRefusedRegistrationWritesNothing() async throws {
        try await TestNode().test { client in
            #expect(try await client.register("ola", password: "password1").errorCode == "WEAK_PASSWORD")
            #expect(try await client.register("ola", password: "short").errorCode == "WEAK_PASSWORD")
            #expect(try await client.call(.post, "/api/accounts", json: #"{"username":"ola","password":"correct horse battery","email":"not-an-address"}"#).errorCode == "INVALID_INPUT")
            #expect(try await client.register("ola").status == .created)
            let taken = try await client.register("OLA")
            #expect(taken.status == .conflict)
            #expect(taken.errorCode == "USERNAME_TAKEN")
        }
    }

    @Test func aTakenEmailIsNotRevealed() async throws {
        try await TestNode().test { client in
            let first = try await client.register("pam", email: "pam@example.com")
            let second = try await client.register("pat", email: "pam@example.com")
            #expect(first.status == second.status)
            #expect(second["user.email"] as? String == "pam@example.com")
            #expect(Set(first.json.keys) == Set(second.json.keys))
        }
    }
}
