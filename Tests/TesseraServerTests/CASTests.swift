import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TesseraSSO

@Suite struct CASTests {
    static let service = "https://shop.example/app"

    func node(_ backend: Backend = .memory) throws -> TestNode {
        var node = try backend.node()
        node.casServices = [try CASService(id: "shop", serviceURL: Self.service, singleLogout: true)]
        return node
    }

    @Test(arguments: Backend.available)
    func theFormLogsInRedirectsWithATicketThatValidatesOnce(_ backend: Backend) async throws {
        try await node(backend).test { client in
            try await client.register("ada", email: "ada@example.com")
            let (location, cookie) = try await client.casFormLogin("ada", service: Self.service)
            #expect(location.hasPrefix(Self.service + "?ticket=ST-"))
            #expect(cookie.hasPrefix("tessera_session="))
            let ticket = try #require(location.split(separator: "=").last.map(String.init))
            #expect(ticket.wholeMatch(of: /ST-[0-9A-Za-z]{32}/) != nil)

            let reply = try await client.call(.get, "/cas/p3/serviceValidate?service=\(Self.service.queryEscaped)&ticket=\(ticket)")
            let xml = String(decoding: reply.body, as: UTF8.self)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "text/xml; charset=utf-8")
            #expect(xml.contains("<cas:user>ada</cas:user>"))
            #expect(xml.contains("<cas:isFromNewLogin>true</cas:isFromNewLogin>"))
            #expect(xml.contains("<cas:email>ada@example.com</cas:email>"))
            #expect(xml.contains("<cas:authenticationDate>"))

            let replay = try await client.call(.get, "/cas/p3/serviceValidate?service=\(Self.service.queryEscaped)&ticket=\(ticket)")
            #expect(String(decoding: replay.body, as: UTF8.self).contains(#"code="INVALID_TICKET""#))
        }
    }

    @Test func theSignInPagesSpeakTheVisitorsLanguage() async throws {
        try await node().test { client in
            let form = try await client.call(.get, "/cas/login?service=\(Self.service.queryEscaped)", headers: [.acceptLanguage: "zh-CN,zh;q=0.9"])
            let html = String(decoding: form.body, as: UTF8.self)
            #expect(form.status == .ok && html.contains("用户名、邮箱或手机号") && !html.contains("Username, e-mail or phone"))
            let english = String(decoding: try await client.call(.get, "/cas/login?service=\(Self.service.queryEscaped)").body, as: UTF8.self)
            #expect(english.contains("Username, e-mail or phone"))
            let unknown = try await client.call(.get, "/cas/login?service=https://evil.example/&lang=zh-Hans")
            #expect(unknown.status == .badRequest && String(decoding: unknown.body, as: UTF8.self).contains("未知的应用"))
        }
    }

    @Test func aSignedInBrowserGetsATicketWithoutTheForm() async throws {
        try await node().test { client in
            try await client.register("boris")
            let (_, cookie) = try await client.casFormLogin("boris", service: Self.service)
            let service = Self.service + "/cart?x=1"
            let again = try await client.call(.get, "/cas/login?service=\(service.queryEscaped)", headers: [.cookie: cookie])
            #expect(again.status == .found)
            let location = try #require(again.headers[.location])
            #expect(location.hasPrefix(service + "&ticket=ST-"))
            let ticket = String(location.split(separator: "=").last!)

            let wrong = try await client.call(.get, "/cas/serviceValidate?service=\(Self.service.queryEscaped)&ticket=\(ticket)&format=JSON")
            #expect(wrong["serviceResponse.authenticationFailure.code"] as? String == "INVALID_SERVICE")
            let right = try await client.call(.get, "/cas/serviceValidate?service=\(service.queryEscaped)&ticket=\(ticket)&format=JSON")
            #expect(right["serviceResponse.authenticationFailure.code"] as? String == "INVALID_TICKET")

            let fresh = try #require(try await client.call(.get, "/cas/login?service=\(service.queryEscaped)", headers: [.cookie: cookie]).headers[.location])
            let json = try await client.call(.get, "/cas/p3/serviceValidate?service=\(service.queryEscaped)&ticket=\(fresh.split(separator: "=").last!)&format=json")
            #expect(json["serviceResponse.authenticationSuccess.user"] as? String == "boris")
            #expect(json["serviceResponse.authenticationSuccess.attributes.isFromNewLogin"] as? [Bool] == [false])

            let renew = try await client.call(.get, "/cas/login?service=\(service.queryEscaped)&renew=true", headers: [.cookie: cookie])
            #expect(renew.status == .ok)
            #expect(renew.headers[.location] == nil)
        }
    }

    @Test func casOneValidationSaysYesOrNo() async throws {
        try await node().test { client in
            try await client.register("cyril")
            let (location, _) = try await client.casFormLogin("cyril", service: Self.service)
            let ticket = String(location.split(separator: "=").last!)
            let yes = try await client.call(.get, "/cas/validate?service=\(Self.service.queryEscaped)&ticket=\(ticket)")
            #expect(String(decoding: yes.body, as: UTF8.self) == "yes\ncyril\n")
            let no = try await client.call(.get, "/cas/validate?service=\(Self.service.queryEscaped)&ticket=\(ticket)")
            #expect(String(decoding: no.body, as: UTF8.self) == "no\n\n")
            let missing = try await client.call(.get, "/cas/serviceValidate?ticket=\(ticket)")
            #expect(String(decoding: missing.body, as: UTF8.self).contains(#"code="INVALID_REQUEST""#))
        }
    }

    @Test(arguments: [
        "https://shop.example@evil.example/app",
        "https://shop.example.evil.example/app",
        "https://shop.example/apple",
        "HTTPS://shop.example/app",
        "https://shop.example/app%2f..%2fadmin",
        "https://shop.example/app/..;/admin",
        "https://shop.example/app/../admin",
        "https://shop.example\\@evil.example/app",
        "//evil.example/app",
        "https://evil.example/app",
    ])
    func openRedirectAttemptsGetNoTicketAndNoRedirect(_ service: String) async throws {
        try await node().test { client in
            try await client.register("diane")
            let (_, cookie) = try await client.casFormLogin("diane", service: Self.service)
            for headers: HTTPFields in [[:], [.cookie: cookie]] {
                for query in ["", "&gateway=true"] {
                    let reply = try await client.call(.get, "/cas/login?service=\(service.queryEscaped)\(query)", headers: headers)
                    #expect(reply.status == .badRequest)
                    #expect(reply.headers[.location] == nil)
                    #expect(!String(decoding: reply.body, as: UTF8.self).contains("ST-"))
                }
            }
            let logout = try await client.call(.get, "/cas/logout?service=\(service.queryEscaped)", headers: [.cookie: cookie])
            #expect(logout.headers[.location] == nil)
        }
    }

    @Test func twentyConcurrentValidationsOfOneTicketSucceedOnce() async throws {
        try await node().test { client in
            try await client.register("edgar")
            let (location, _) = try await client.casFormLogin("edgar", service: Self.service)
            let ticket = String(location.split(separator: "=").last!)
            let successes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let reply = try await client.call(.get, "/cas/p3/serviceValidate?service=\(Self.service.queryEscaped)&ticket=\(ticket)")
                        return String(decoding: reply.body, as: UTF8.self).contains("authenticationSuccess")
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(successes == 1)
        }
    }

    @Test func anExpiredTicketFails() async throws {
        let node = try node()
        try await node.test { client in
            try await client.register("fatima")
            let (location, _) = try await client.casFormLogin("fatima", service: Self.service)
            node.clock.advance(by: .seconds(10))
            let reply = try await client.call(.get, "/cas/p3/serviceValidate?service=\(Self.service.queryEscaped)&ticket=\(location.split(separator: "=").last!)")
            #expect(String(decoding: reply.body, as: UTF8.self).contains(#"code="INVALID_TICKET""#))
        }
    }

    @Test func aTicketOfAnEndedSessionFails() async throws {
        try await node().test { client in
            try await client.register("gustav")
            let (location, cookie) = try await client.casFormLogin("gustav", service: Self.service)
            let logout = try await client.call(.get, "/cas/logout?service=\(Self.service.queryEscaped)", headers: [.cookie: cookie])
            #expect(logout.status == .found)
            #expect(logout.headers[.location] == Self.service)
            let reply = try await client.call(.get, "/cas/p3/serviceValidate?service=\(Self.service.queryEscaped)&ticket=\(location.split(separator: "=").last!)")
            #expect(String(decoding: reply.body, as: UTF8.self).contains(#"code="INVALID_TICKET""#))
            let token = String(cookie.dropFirst("tessera_session=".count))
            #expect(try await client.call(.get, "/api/session", token: token).errorCode == "LOGGED_OUT")
        }
    }

    @Test func theFormRefusesWrongPasswordsAndMissingCSRF() async throws {
        try await node().test { client in
            try await client.register("hugo")
            let page = try await client.call(.get, "/cas/login?service=\(Self.service.queryEscaped)")
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            let csrf = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("tessera_cas_csrf=") })
            let value = String(csrf.dropFirst("tessera_cas_csrf=".count).prefix { $0 != ";" })
            let form = "username=hugo&password=wrong+password&service=\(Self.service.queryEscaped)&csrf=\(value)"
            let wrong = try await client.call(.post, "/cas/login", headers: [.cookie: "tessera_cas_csrf=\(value)", .contentType: "application/x-www-form-urlencoded"],
                                              rawBody: ByteBuffer(string: form))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.location] == nil)
            #expect(String(decoding: wrong.body, as: UTF8.self).contains("The login or the password is wrong."))
            let forged = try await client.call(.post, "/cas/login", headers: [.contentType: "application/x-www-form-urlencoded"],
                                               rawBody: ByteBuffer(string: form.replacingOccurrences(of: "wrong+password", with: "correct+horse+battery")))
            #expect(forged.status == .forbidden)
            #expect(forged.headers[values: .setCookie].isEmpty)
        }
    }

    @Test func hostileRequestsGetFourHundredsAndNoSession() async throws {
        try await node().test { client in
            try await client.register("ivan")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: "tessera_cas_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
            let bodies = [
                "", "%", "username=%zz&password=%&csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "=&&==&",
                "username=ivan&password=&csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "username=" + String(repeating: "a", count: 400) + "&password=x&csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                #"{"username": "ivan", "password": "correct horse battery"}"#,
            ]
            for body in bodies {
                let reply = try await client.call(.post, "/cas/login", headers: form, rawBody: ByteBuffer(string: body))
                #expect((400..<500).contains(reply.status.code), "\(body.prefix(40)): \(reply.status)")
                #expect(reply.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("tessera_session=") })
            }
            let huge = try await client.call(.post, "/cas/login", headers: form, rawBody: ByteBuffer(string: String(repeating: "a=b&", count: 10_000)))
            #expect(huge.status == .contentTooLarge)
            #expect(huge.errorCode == "PAYLOAD_TOO_LARGE")
            for query in ["service=%", "ticket=%zz&service=%%", "ticket=ST-\u{0}&service=x", "format=JSON&ticket=" + String(repeating: "S", count: 5000)] {
                for path in ["/cas/validate", "/cas/serviceValidate", "/cas/p3/serviceValidate", "/cas/login", "/cas/logout"] {
                    let reply = try await client.call(.get, "\(path)?\(query)")
                    #expect(reply.status.code < 500, "\(path)?\(query.prefix(40))")
                }
            }
        }
    }

    @Test func gatewayWithoutASessionReturnsWithoutATicket() async throws {
        try await node().test { client in
            let reply = try await client.call(.get, "/cas/login?service=\(Self.service.queryEscaped)&gateway=true")
            #expect(reply.status == .found)
            #expect(reply.headers[.location] == Self.service)
        }
    }
}

extension String {
    var queryEscaped: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? self
    }
}


extension CASTests {
    /// The CAS form is a password login like the API's and the login page's: a node that
    /// requires a verified e-mail address refuses an unverified one here too, with no session.
    @Test func theFormRequiresAVerifiedAddressWhenTheNodeDoes() async throws {
        var node = try TestNode(["dev": .flag(true), "login-requires-verified-email": .flag(true)])
        node.casServices = [try CASService(id: "shop", serviceURL: Self.service, singleLogout: true)]
        try await node.test { client in
            #expect(try await client.register("ada", email: "ada@example.com").status == .created)
            let page = try await client.call(.get, "/cas/login?service=\(Self.service.queryEscaped)")
            let setCookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("tessera_cas_csrf=") })
            let csrf = String(setCookie.dropFirst("tessera_cas_csrf=".count).prefix { $0 != ";" })
            let form = "username=ada&password=\("correct horse battery".queryEscaped)&service=\(Self.service.queryEscaped)&csrf=\(csrf)"
            let reply = try await client.call(.post, "/cas/login", headers: [
                .cookie: "tessera_cas_csrf=\(csrf)", .contentType: "application/x-www-form-urlencoded",
            ], rawBody: ByteBuffer(string: form))
            #expect(reply.status == .forbidden)
            #expect(!reply.headers[values: .setCookie].contains { $0.hasPrefix("tessera_session=") })
            #expect(reply.headers[.location] == nil)
        }
    }
}
extension TestClientProtocol {
    /// Opens the CAS login form, posts the password with its CSRF token; returns the
    /// redirect's location and the session cookie (`name=value`).
    func casFormLogin(_ username: String, service: String, password: String = "correct horse battery") async throws -> (String, String) {
        let page = try await call(.get, "/cas/login?service=\(service.queryEscaped)")
        #expect(page.status == .ok)
        let setCookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("tessera_cas_csrf=") })
        let csrf = String(setCookie.dropFirst("tessera_cas_csrf=".count).prefix { $0 != ";" })
        #expect(String(decoding: page.body, as: UTF8.self).contains(#"name="csrf" value="\#(csrf)""#))
        let form = "username=\(username.queryEscaped)&password=\(password.queryEscaped)&service=\(service.queryEscaped)&csrf=\(csrf)"
        let reply = try await call(.post, "/cas/login", headers: [
            .cookie: "tessera_cas_csrf=\(csrf)", .contentType: "application/x-www-form-urlencoded",
        ], rawBody: ByteBuffer(string: form))
        #expect(reply.status == .seeOther)
        let session = try #require(reply.headers[values: .setCookie].first { $0.hasPrefix("tessera_session=") })
        return (try #require(reply.headers[.location]), String(session.prefix { $0 != ";" }))
    }
}
