import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/session/data`: attributes of the caller's session, anonymous visitors, and their
/// data carried over at login.
@Suite struct SessionDataTests {
    static let anonymous: [String: ConfigValue] = ["anonymous-sessions": .flag(true)]

    @Test(arguments: Backend.available)
    func attributesAreJSONReadAndWrittenOneByOne(_ backend: Backend) async throws {
        try await backend.node().test { client in
            let token = try await client.signedIn("ada")
            #expect(try await client.data(token: token) == #"{"data":{}}"#)

            #expect(try await client.put("cart", #"{"value": {"items": [ "book", "pen" ], "total": 12.5}}"#, token: token).status == .noContent)
            #expect(try await client.put("theme", #"{"value": "dark"}"#, token: token).status == .noContent)
            #expect(try await client.put("wizard:step", #"{"value": 3, "ignored": true}"#, token: token).status == .noContent)
            #expect(try await client.put("nothing", #"{"value": null}"#, token: token).status == .noContent)

            let cart = try await client.call(.get, "/api/session/data/cart", token: token)
            #expect(cart.status == .ok)
            #expect(String(decoding: cart.body, as: UTF8.self) == #"{"value":{"items":["book","pen"],"total":12.5}}"#)
            #expect(cart.headers[.contentType] == "application/json; charset=utf-8")
            #expect(cart.headers[.cacheControl] == "no-store")
            // Clients may percent-encode the ':' of a key.
            #expect(try await client.call(.get, "/api/session/data/wizard%3Astep", token: token)["value"] as? Int == 3)
            #expect(try await client.call(.get, "/api/session/data/nothing", token: token).json["value"] is NSNull)
            #expect(try await client.data(token: token)
                == #"{"data":{"cart":{"items":["book","pen"],"total":12.5},"nothing":null,"theme":"dark","wizard:step":3}}"#)

            #expect(try await client.call(.delete, "/api/session/data/theme", token: token).status == .noContent)
            #expect(try await client.call(.delete, "/api/session/data/theme", token: token).status == .noContent)
            let gone = try await client.call(.get, "/api/session/data/theme", token: token)
            #expect(gone.status == .notFound && gone.errorCode == "NOT_FOUND")
        }
    }

    @Test(arguments: Backend.available)
    func fiftyConcurrentWritersToFiftyAttributesLoseNone(_ backend: Backend) async throws {
        try await backend.node(["session-data-max-attributes": .number(50)]).test { client in
            let token = try await client.signedIn("bea")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<50 {
                    group.addTask { try await client.put("item-\(index)", #"{"value": \#(index)}"#, token: token).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .noContent })
            let data = try #require(try await client.call(.get, "/api/session/data", token: token).json["data"] as? [String: Int])
            #expect(data == Dictionary(uniqueKeysWithValues: (0..<50).map { ("item-\($0)", $0) }))
        }
    }

    @Test(arguments: Backend.available)
    func overTheLimitsIs413AndTheSessionIsIntact(_ backend: Backend) async throws {
        let node = try backend.node(["session-data-max-value-bytes": .number(64), "session-data-max-attributes": .number(3)])
        try await node.test { client in
            let token = try await client.signedIn("cyd")
            #expect(try await client.put("cart", #"{"value": ["book"]}"#, token: token).status == .noContent)

            let large = try await client.put("cart", #"{"value": "\#(String(repeating: "x", count: 63))"}"#, token: token)
            #expect(large.status == .contentTooLarge)
            #expect(large.errorCode == "SESSION_DATA_TOO_LARGE")
            #expect(large.headers[.contentType] == "application/json; charset=utf-8")
            #expect((large["error.message"] as? String)?.contains("64 bytes") == true)

            #expect(try await client.put("a", #"{"value": 1}"#, token: token).status == .noContent)
            #expect(try await client.put("b", #"{"value": 2}"#, token: token).status == .noContent)
            let many = try await client.put("c", #"{"value": 3}"#, token: token)
            #expect(many.status == .contentTooLarge)
            #expect(many.errorCode == "SESSION_DATA_TOO_LARGE")
            #expect((many["error.message"] as? String)?.contains("3 attributes") == true)

            #expect(try await client.data(token: token) == #"{"data":{"a":1,"b":2,"cart":["book"]}}"#)
            #expect(try await client.call(.get, "/api/session", token: token).status == .ok)
        }
    }

    @Test func malformedKeysAndBodiesAre400() async throws {
        try await TestNode().test { client in
            let token = try await client.signedIn("dee")
            for body in ["", "{value}", #"{"value": 1,}"#, #"{"other": 1}"#, "[1]", "1", #"{"value": 1} x"#] {
                let reply = try await client.put("cart", body, token: token)
                #expect(reply.status == .badRequest, "\(body)")
                #expect(reply.errorCode == "INVALID_INPUT", "\(body)")
            }
            for key in [String(repeating: "k", count: 65), "a%20b", "%C3%A9", "a%2Fb", "%2E%2E"] {
                let reply = try await client.put(key, #"{"value": 1}"#, token: token)
                #expect(reply.errorCode == "INVALID_INPUT", "\(key)")
                #expect(reply["error.field"] as? String == "key", "\(key)")
                #expect(try await client.call(.get, "/api/session/data/\(key)", token: token).errorCode == "INVALID_INPUT", "\(key)")
            }
            #expect(try await client.data(token: token) == #"{"data":{}}"#)
        }
    }

    @Test(arguments: Backend.available)
    func withoutAnonymousSessionsEveryDataRouteNeedsALogin(_ backend: Backend) async throws {
        try await backend.node().test { client in
            #expect(try await client.call(.get, "/api/session/data").errorCode == "NOT_LOGGED_IN")
            #expect(try await client.call(.get, "/api/session/data/cart").errorCode == "NOT_LOGGED_IN")
            let put = try await client.put("cart", #"{"value": 1}"#)
            #expect(put.status == .unauthorized && put.errorCode == "NOT_LOGGED_IN")
            #expect(put.headers[.setCookie] == nil)
            #expect(try await client.call(.delete, "/api/session/data/cart").errorCode == "NOT_LOGGED_IN")

            let token = try await client.signedIn("eve")
            _ = try await client.call(.post, "/api/logout", token: token)
            #expect(try await client.put("cart", #"{"value": 1}"#, token: token).errorCode == "LOGGED_OUT")
        }
    }

    @Test(arguments: Backend.available)
    func aVisitorsFirstWriteStartsAnAnonymousSessionThatIsNotALogin(_ backend: Backend) async throws {
        try await backend.node(Self.anonymous).test { client in
            let first = try await client.put("cart", #"{"value": ["book"]}"#)
            #expect(first.status == .noContent)
            let token = try #require(first.sessionCookie)
            #expect(first.headers[.setCookie]?.contains("HttpOnly") == true)

            let cookie: HTTPFields = [.cookie: "tessera_session=\(token)"]
            #expect(try await client.put("step", #"{"value": 2}"#, headers: cookie).status == .noContent)
            #expect(try await client.data(headers: cookie) == #"{"data":{"cart":["book"],"step":2}}"#)
            #expect(try await client.data(token: token) == #"{"data":{"cart":["book"],"step":2}}"#)

            for (method, path) in [(HTTPRequest.Method.get, "/api/session"), (.get, "/api/sessions"), (.post, "/api/logout"), (.get, "/auth/verify")] {
                let refused = try await client.call(method, path, token: token)
                #expect(refused.status == .unauthorized, "\(path)")
                #expect(refused.errorCode == "NOT_LOGGED_IN", "\(path)")
            }
            // Reads never create a session.
            let read = try await client.call(.get, "/api/session/data")
            #expect(read.errorCode == "NOT_LOGGED_IN" && read.headers[.setCookie] == nil)
        }
    }

    @Test(arguments: Backend.available)
    func anAnonymousVisitorsCartSurvivesLoginUnderANewToken(_ backend: Backend) async throws {
        try await backend.node(Self.anonymous).test { client in
            #expect(try await client.register("fay").status == .created)
            let visitor = try #require(try await client.put("cart", #"{"value": {"items": ["book", "pen"]}}"#).sessionCookie)
            let cookie: HTTPFields = [.cookie: "tessera_session=\(visitor)"]
            #expect(try await client.put("theme", #"{"value": "dark"}"#, headers: cookie).status == .noContent)

            let login = try await client.call(
                .post, "/api/login", json: #"{"method": "password", "login": "fay", "password": "correct horse battery"}"#, headers: cookie)
            #expect(login.status == .ok)
            let token = try #require(login.json["token"] as? String)
            #expect(token != visitor)
            #expect(login.sessionCookie == token)
            #expect(try await client.data(token: token) == #"{"data":{"cart":{"items":["book","pen"]},"theme":"dark"}}"#)
            #expect(try await client.call(.get, "/api/session", token: token)["user.username"] as? String == "fay")

            // The pre-login token grants nothing any more, not even a fresh anonymous session.
            for headers in [cookie, [.authorization: "Bearer \(visitor)"]] {
                #expect(try await client.data(headers: headers).contains("LOGGED_OUT"))
                let write = try await client.put("cart", #"{"value": []}"#, headers: headers)
                #expect(write.status == .unauthorized && write.errorCode == "LOGGED_OUT")
                #expect(try await client.call(.get, "/api/session", headers: headers).errorCode == "LOGGED_OUT")
            }
            #expect(try await client.data(token: token) == #"{"data":{"cart":{"items":["book","pen"]},"theme":"dark"}}"#)
        }
    }

    @Test func aBearerVisitorCarriesItsCartToo() async throws {
        try await TestNode(Self.anonymous).test { client in
            #expect(try await client.register("gus").status == .created)
            let visitor = try #require(try await client.put("cart", #"{"value": [1]}"#).sessionCookie)
            let login = try await client.call(
                .post, "/api/login", json: #"{"method": "password", "login": "gus", "password": "correct horse battery"}"#, token: visitor)
            let token = try #require(login.json["token"] as? String)
            #expect(try await client.data(token: token) == #"{"data":{"cart":[1]}}"#)
            #expect(try await client.data(token: visitor).contains("LOGGED_OUT"))
        }
    }

    @Test func aCrossSiteCookieIsNotCarriedAtLogin() async throws {
        try await TestNode(Self.anonymous).test { client in
            #expect(try await client.register("hal").status == .created)
            let visitor = try #require(try await client.put("cart", #"{"value": [1]}"#).sessionCookie)
            let login = try await client.call(
                .post, "/api/login", json: #"{"method": "password", "login": "hal", "password": "correct horse battery"}"#,
                headers: [.cookie: "tessera_session=\(visitor)", .origin: "https://evil.example"])
            let token = try #require(login.json["token"] as? String)
            #expect(try await client.data(token: token) == #"{"data":{}}"#)
            #expect(try await client.data(token: visitor) == #"{"data":{"cart":[1]}}"#)
        }
    }

    @Test func crossSiteWritesAreRefused() async throws {
        try await TestNode(Self.anonymous).test { client in
            let evil: HTTPFields = [.origin: "https://evil.example"]
            let create = try await client.put("cart", #"{"value": 1}"#, headers: evil)
            #expect(create.status == .forbidden && create.errorCode == "CSRF_REJECTED")
            #expect(create.headers[.setCookie] == nil)
            let visitor = try #require(try await client.put("cart", #"{"value": 1}"#, headers: [.origin: "http://tessera.test"]).sessionCookie)
            let write = try await client.put("cart", #"{"value": 2}"#, headers: [.cookie: "tessera_session=\(visitor)", .origin: "https://evil.example"])
            #expect(write.errorCode == "CSRF_REJECTED")
            #expect(try await client.call(.delete, "/api/session/data/cart", headers: [.cookie: "tessera_session=\(visitor)", .origin: "https://evil.example"]).errorCode == "CSRF_REJECTED")
            #expect(try await client.put("cart", #"{"value": 3}"#, token: visitor, headers: evil).status == .noContent)
        }
    }

    @Test(arguments: Backend.available)
    func anonymousCreationsAreLimitedPerClient(_ backend: Backend) async throws {
        try await backend.node(Self.anonymous.merging(["rate-limit-anonymous": .text("2/1h")]) { $1 }).test { client in
            let first = try #require(try await client.put("cart", #"{"value": 1}"#).sessionCookie)
            #expect(try await client.put("cart", #"{"value": 1}"#).status == .noContent)
            let limited = try await client.put("cart", #"{"value": 1}"#)
            #expect(limited.status == .tooManyRequests && limited.errorCode == "RATE_LIMITED")
            #expect(limited.headers[.retryAfter] == "1800")
            #expect(limited.headers[.setCookie] == nil)
            // Writes to a session that exists are not creations.
            for _ in 0..<5 { #expect(try await client.put("cart", #"{"value": 2}"#, token: first).status == .noContent) }
        }
    }

    @Test(arguments: Backend.available)
    func anIdleVisitorIsToldAndItsCookieClearedSoTheNextWriteStartsAgain(_ backend: Backend) async throws {
        let node = try backend.node(Self.anonymous.merging(["anonymous-idle-timeout": .text("10m")]) { $1 })
        try await node.test { client in
            let visitor = try #require(try await client.put("cart", #"{"value": 1}"#).sessionCookie)
            let cookie: HTTPFields = [.cookie: "tessera_session=\(visitor)"]
            node.clock.advance(by: .seconds(11 * 60))
            let expired = try await client.put("cart", #"{"value": 2}"#, headers: cookie)
            #expect(expired.status == .unauthorized && expired.errorCode == "SESSION_EXPIRED")
            #expect(expired.headers[.setCookie]?.contains("Max-Age=0") == true)
            let fresh = try #require(try await client.put("cart", #"{"value": 3}"#).sessionCookie)
            #expect(fresh != visitor)
            #expect(try await client.data(token: fresh) == #"{"data":{"cart":3}}"#)
        }
    }

    @Test func aTooLargeFirstWriteStartsNothing() async throws {
        try await TestNode(Self.anonymous.merging(["session-data-max-value-bytes": .number(8)]) { $1 }).test { client in
            let reply = try await client.put("cart", #"{"value": "123456789"}"#)
            #expect(reply.status == .contentTooLarge && reply.errorCode == "SESSION_DATA_TOO_LARGE")
            #expect(reply.headers[.setCookie] == nil)
        }
    }
}

extension TestClientProtocol {
    func put(_ key: String, _ body: String, token: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        try await call(.put, "/api/session/data/\(key)", json: body, token: token, headers: headers)
    }

    /// The body of `GET /api/session/data`, as text: values are compared as JSON texts.
    func data(token: String? = nil, headers: HTTPFields = [:]) async throws -> String {
        String(decoding: try await call(.get, "/api/session/data", token: token, headers: headers).body, as: UTF8.self)
    }
}

extension Reply {
    /// The token a `Set-Cookie` of this answer sets, if any.
    var sessionCookie: String? {
        guard let header = headers[.setCookie], header.hasPrefix("tessera_session=") else { return nil }
        let value = header.dropFirst("tessera_session=".count).prefix { $0 != ";" }
        return value.isEmpty ? nil : String(value)
    }
}
