import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Codes, e-mail verification, code logins and password reset over the HTTP API, with the
/// dev outbox standing in for mail and SMS.
@Suite struct CodeFlowTests {
    static let dev: [String: ConfigValue] = ["dev": .flag(true)]

    func address() -> String { "u\(UUID().uuidString.prefix(8).lowercased())@example.com" }

    @Test(arguments: Backend.available)
    func registrationSendsACodeAndALinkThatEachWorkOnce(_ backend: Backend) async throws {
        try await backend.node(Self.dev).test { client in
            let ada = address(), bob = address()
            #expect(try await client.register("ada", email: ada).status == .created)
            let message = try await client.newestMessage(to: ada)
            #expect(message.kind == "verification" && message.channel == "email")
            let code = try #require(message.code)
            #expect(message.text.contains("http://tessera.test/verify-email?token="))

            let verified = try await client.call(.post, "/api/verification/email", json: #"{"email": "\#(ada)", "code": "\#(code)"}"#)
            #expect(verified.status == .ok)
            #expect(verified["user.emailVerified"] as? Bool == true)
            let again = try await client.call(.post, "/api/verification/email", json: #"{"email": "\#(ada)", "code": "\#(code)"}"#)
            #expect(again.status == .badRequest)
            #expect(again.errorCode == "CODE_INVALID")

            #expect(try await client.register("bob", email: bob).status == .created)
            let token = try #require(try await client.newestMessage(to: bob).linkToken)
            let page = try await client.call(.get, "/verify-email?token=\(token)")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(String(decoding: page.body, as: UTF8.self).contains("\(bob) is verified"))
            #expect(try await client.call(.get, "/verify-email?token=\(token)").status == .badRequest)
            #expect(try await client.login("bob")["user.emailVerified"] as? Bool == true)
        }
    }

    @Test func aLinkIsBuiltFromThePublicURLNotTheHostHeader() async throws {
        try await TestNode(Self.dev).test { client in
            let ada = address()
            let reply = try await client.call(
                .post, "/api/accounts", json: #"{"username": "ada", "password": "correct horse battery", "email": "\#(ada)"}"#,
                headers: [HTTPField.Name("X-Forwarded-Host")!: "evil.example", HTTPField.Name("Forwarded")!: "host=evil.example"])
            #expect(reply.status == .created)
            let message = try await client.newestMessage(to: ada)
            #expect(message.text.contains("http://tessera.test/verify-email?token="))
            #expect(!message.text.contains("evil"))
        }
    }

    @Test(arguments: Backend.available)
    func aTakenAddressIsNotRevealedItsOwnerIsToldByMail(_ backend: Backend) async throws {
        let node = try backend.node(Self.dev)
        try await node.test { client in
            let ada = address()
            let first = try await client.register("ada", email: ada)
            // Registration's messages keep to the per-address spacing, one a minute.
            node.clock.advance(by: .seconds(60))
            let second = try await client.register("eve", email: ada)
            #expect(first.status == .created && second.status == .created)
            #expect(second["user.email"] as? String == ada)
            #expect(second["user.emailVerified"] as? Bool == false)
            let kinds = try await client.outbox(to: ada).map(\.kind)
            #expect(kinds == ["address-in-use", "verification"])
        }
    }

    @Test(arguments: Backend.available)
    func anEmailCodeLogsInOnce(_ backend: Backend) async throws {
        let node = try backend.node(Self.dev)
        try await node.test { client in
            let ada = address()
            #expect(try await client.register("ada", email: ada).status == .created)
            node.clock.advance(by: .seconds(60))
            let asked = try await client.askForCode("login", to: ada.uppercased())
            #expect(asked.status == .accepted)
            #expect(asked.json["resendAfter"] as? Int == 60)
            let message = try await client.newestMessage(to: ada)
            #expect(message.kind == "login-code")
            let code = try #require(message.code)
            let login = try await client.codeLogin(email: ada, code: code)
            #expect(login.status == .ok)
            #expect(login["user.username"] as? String == "ada")
            #expect(login["user.emailVerified"] as? Bool == true)
            #expect(try await client.codeLogin(email: ada, code: code).errorCode == "CODE_INVALID")
        }
    }

    @Test(arguments: Backend.available)
    func anSMSLoginRegistersAnUnknownNumber(_ backend: Backend) async throws {
        try await backend.node(Self.dev).test { client in
            let phone = "+1555\(Int.random(in: 1_000_000...9_999_999))"
            #expect(try await client.askForCode("login", channel: "sms", to: phone).status == .accepted)
            let message = try await client.newestMessage(to: phone)
            #expect(message.channel == "sms" && message.kind == "login-code")
            let code = try #require(message.code)
            let login = try await client.call(.post, "/api/login", json: #"{"method": "sms", "phone": "\#(phone)", "code": "\#(code)"}"#)
            #expect(login.status == .ok)
            #expect(login["user.phone"] as? String == phone)
            #expect(login["user.phoneVerified"] as? Bool == true)
            #expect(login["user.username"] is NSNull)

            let token = try #require(login.json["token"] as? String)
            let again = try await client.askForCode("login", channel: "sms", to: phone)
            #expect(again.status == .tooManyRequests)
            #expect(try await client.call(.get, "/api/session", token: token)["user.phone"] as? String == phone)
        }
    }

    /// A new account with a password and a phone number, the number not yet verified.
    func registerWithUnverifiedPhone(_ client: some TestClientProtocol) async throws -> (username: String, phone: String) {
        let phone = "+1555\(Int.random(in: 1_000_000...9_999_999))"
        let username = "p\(UUID().uuidString.prefix(8).lowercased())"
        let registered = try await client.register(username, phone: phone)
        #expect(registered.status == .created)
        #expect(registered["user.phoneVerified"] as? Bool == false)
        return (username, phone)
    }

    @Test(arguments: Backend.available)
    func anSMSLoginVerifiesTheNumberOfAnExistingAccount(_ backend: Backend) async throws {
        try await backend.node(Self.dev).test { client in
            let (username, phone) = try await registerWithUnverifiedPhone(client)
            let code = try await client.smsCode("login", to: phone)
            let login = try await client.call(.post, "/api/login", json: #"{"method": "sms", "phone": "\#(phone)", "code": "\#(code)"}"#)
            #expect(login.status == .ok)
            #expect(login["user.username"] as? String == username)
            #expect(login["user.phoneVerified"] as? Bool == true)
            // Stored, not only answered: a password login reads the account again.
            #expect(try await client.login(username)["user.phoneVerified"] as? Bool == true)
        }
    }

    @Test(arguments: Backend.available)
    func aPasswordResetBySMSVerifiesTheNumber(_ backend: Backend) async throws {
        try await backend.node(Self.dev).test { client in
            let (username, phone) = try await registerWithUnverifiedPhone(client)
            let code = try await client.smsCode("reset", to: phone)
            let reset = try await client.call(
                .post, "/api/password/reset", json: #"{"login": "\#(phone)", "code": "\#(code)", "newPassword": "a brand new passphrase"}"#)
            #expect(reset.status == .noContent)
            let login = try await client.login(username, password: "a brand new passphrase")
            #expect(login["user.phoneVerified"] as? Bool == true)
        }
    }

    @Test func withoutSMSRegistrationAnUnknownNumberGetsANoticeAndNoCode() async throws {
        try await TestNode(["dev": .flag(true), "sms-auto-register": .flag(false)]).test { client in
            let phone = "+1555\(Int.random(in: 1_000_000...9_999_999))"
            #expect(try await client.askForCode("login", channel: "sms", to: phone).status == .accepted)
            let message = try await client.newestMessage(to: phone)
            #expect(message.kind == "no-account")
            #expect(message.code == nil)
        }
    }

    @Test(arguments: Backend.available)
    func aPasswordResetEndsEverySession(_ backend: Backend) async throws {
        let node = try backend.node(Self.dev)
        try await node.test { client in
            let ada = address()
            #expect(try await client.register("ada", email: ada).status == .created)
            let tokens = [try await client.login("ada").json["token"], try await client.login("ada", device: "mobile").json["token"]]
                .compactMap { $0 as? String }
            #expect(tokens.count == 2)
            node.clock.advance(by: .seconds(60))
            #expect(try await client.askForCode("reset", to: ada).status == .accepted)
            let message = try await client.newestMessage(to: ada)
            #expect(message.kind == "reset-code")
            let code = try #require(message.code)
            let weak = try await client.call(.post, "/api/password/reset", json: #"{"login": "\#(ada)", "code": "\#(code)", "newPassword": "short"}"#)
            #expect(weak.errorCode == "WEAK_PASSWORD")
            let reset = try await client.call(
                .post, "/api/password/reset", json: #"{"login": "\#(ada)", "code": "\#(code)", "newPassword": "a brand new passphrase"}"#)
            #expect(reset.status == .noContent)
            for token in tokens {
                #expect(try await client.call(.get, "/api/session", token: token).errorCode == "KICKED_OUT")
            }
            #expect(try await client.login("ada").errorCode == "BAD_CREDENTIALS")
            #expect(try await client.login("ada", password: "a brand new passphrase").status == .ok)
            let reused = try await client.call(
                .post, "/api/password/reset", json: #"{"login": "\#(ada)", "code": "\#(code)", "newPassword": "yet another passphrase"}"#)
            #expect(reused.errorCode == "CODE_INVALID")
        }
    }

    @Test(arguments: Backend.available)
    func knownAndUnknownAddressesGetTheSameAnswer(_ backend: Backend) async throws {
        let node = try backend.node(Self.dev)
        try await node.test { client in
            let known = address(), unknown = address()
            #expect(try await client.register("ada", email: known).status == .created)
            node.clock.advance(by: .seconds(60))
            for purpose in ["login", "reset", "verify"] {
                let replies = [try await client.askForCode(purpose, to: known), try await client.askForCode(purpose, to: unknown)]
                #expect(replies[0].status == .accepted && replies[1].status == .accepted)
                #expect(replies[0].body == replies[1].body)
                #expect(try await client.newestMessage(to: unknown).kind == "no-account")
                #expect(try await client.newestMessage(to: known).code != nil)
                let resetBodies = [
                    try await client.call(.post, "/api/password/reset", json: #"{"login": "\#(known)", "code": "000000", "newPassword": "a brand new passphrase"}"#),
                    try await client.call(.post, "/api/password/reset", json: #"{"login": "\#(unknown)", "code": "000000", "newPassword": "a brand new passphrase"}"#),
                ].map { ($0.status, $0.body) }
                #expect(resetBodies[0] == resetBodies[1])
                // One code per minute per destination.
                node.clock.advance(by: .seconds(60))
            }
        }
    }

    @Test(arguments: Backend.available)
    func codeSendingIsLimitedPerDestination(_ backend: Backend) async throws {
        let node = try backend.node(["dev": .flag(true), "rate-limit-code-daily": .text("3/1d")])
        try await node.test { client in
            let ada = address()
            #expect(try await client.askForCode("login", to: ada).status == .accepted)
            let limited = try await client.askForCode("login", to: ada)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "RATE_LIMITED")
            #expect(limited.headers[.retryAfter] == "60")
            #expect(limited.headers[.contentType] == "application/json; charset=utf-8")
            #expect(String(validating: limited.body, as: UTF8.self) != nil)
            #expect(try await client.outbox(to: ada).count == 1)
            node.clock.advance(by: .seconds(60))
            #expect(try await client.askForCode("login", to: ada).status == .accepted)
            node.clock.advance(by: .seconds(60))
            #expect(try await client.askForCode("login", to: ada).status == .accepted)
            node.clock.advance(by: .seconds(60))
            #expect(try await client.askForCode("login", to: ada).status == .tooManyRequests)
            #expect(try await client.outbox(to: ada).count == 3)
        }
    }

    @Test func codeSendingIsLimitedPerClient() async throws {
        try await TestNode(["dev": .flag(true), "rate-limit-code-ip": .text("2/1h")]).test { client in
            #expect(try await client.askForCode("login", to: address()).status == .accepted)
            #expect(try await client.askForCode("login", to: address()).status == .accepted)
            let limited = try await client.askForCode("login", to: address())
            #expect(limited.errorCode == "RATE_LIMITED")
            #expect(limited.headers[.retryAfter] == "1800")
        }
    }

    @Test(arguments: Backend.available)
    func twentySimultaneousRightCodesLogInOnce(_ backend: Backend) async throws {
        let node = try backend.node(Self.dev)
        try await node.test { client in
            let ada = address()
            #expect(try await client.register("ada", email: ada).status == .created)
            node.clock.advance(by: .seconds(60))
            #expect(try await client.askForCode("login", to: ada).status == .accepted)
            let code = try #require(try await client.newestMessage(to: ada).code)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 { group.addTask { try await client.codeLogin(email: ada, code: code).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .badRequest }.count == 19)
        }
    }

    @Test(arguments: Backend.available)
    func fiftySimultaneousWrongCodesBurnTheCode(_ backend: Backend) async throws {
        let node = try backend.node(["dev": .flag(true), "login-backoff-after": .number(1000)])
        try await node.test { client in
            let ada = address()
            #expect(try await client.register("ada", email: ada).status == .created)
            node.clock.advance(by: .seconds(60))
            #expect(try await client.askForCode("login", to: ada).status == .accepted)
            let code = try #require(try await client.newestMessage(to: ada).code)
            let wrong = code == "000000" ? "000001" : "000000"
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<50 { group.addTask { try await client.codeLogin(email: ada, code: wrong).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .badRequest })
            #expect(try await client.codeLogin(email: ada, code: code).errorCode == "CODE_INVALID")
        }
    }

    @Test func wrongCodesCountUnderTheLoginBackOff() async throws {
        let node = try TestNode(["dev": .flag(true), "login-backoff-after": .number(3), "login-backoff-min": .text("60s")])
        try await node.test { client in
            let ada = address()
            for _ in 0..<3 { #expect(try await client.codeLogin(email: ada, code: "123456").errorCode == "CODE_INVALID") }
            let refused = try await client.codeLogin(email: ada, code: "123456")
            #expect(refused.errorCode == "TOO_MANY_ATTEMPTS")
            #expect(refused.headers[.retryAfter] == "60")
        }
    }

    @Test func aVerifiedAddressCanBeRequiredForLogin() async throws {
        try await TestNode(["dev": .flag(true), "login-requires-verified-email": .flag(true)]).test { client in
            let ada = address()
            #expect(try await client.register("ada", email: ada).status == .created)
            #expect(try await client.register("max").status == .created)
            let refused = try await client.login("ada")
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "EMAIL_NOT_VERIFIED")
            #expect(try await client.login("max").status == .ok)
            let code = try #require(try await client.newestMessage(to: ada).code)
            #expect(try await client.call(.post, "/api/verification/email", json: #"{"email": "\#(ada)", "code": "\#(code)"}"#).status == .ok)
            #expect(try await client.login("ada").status == .ok)
        }
    }

    @Test func withoutATransportCodesFailWith503WhetherOrNotTheAccountExists() async throws {
        let node = try TestNode()
        try await node.test { client in
            let ada = address()
            #expect(try await client.register("ada", email: ada).status == .created)
            node.clock.advance(by: .seconds(60))
            for to in [ada, address()] {
                let reply = try await client.askForCode("login", to: to)
                #expect(reply.status == .serviceUnavailable)
                #expect(reply.errorCode == "DELIVERY_FAILED")
                #expect(reply.headers[.retryAfter] != nil)
            }
        }
    }

    @Test func badRequestsForCodesAre400() async throws {
        try await TestNode(Self.dev).test { client in
            for (body, field) in [
                (#"{"channel": "fax", "to": "a@example.com", "purpose": "login"}"#, "channel"),
                (#"{"channel": "email", "to": "a@example.com", "purpose": "lunch"}"#, "purpose"),
                (#"{"channel": "sms", "to": "+15550001111", "purpose": "verify"}"#, "purpose"),
                (#"{"channel": "email", "to": "not an address", "purpose": "login"}"#, "to"),
                (#"{"channel": "sms", "to": "12", "purpose": "login"}"#, "to"),
            ] {
                let reply = try await client.call(.post, "/api/codes", json: body)
                #expect(reply.status == .badRequest, "\(body)")
                #expect(reply.errorCode == "INVALID_INPUT")
                #expect((reply.json["error"] as? [String: Any])?["field"] as? String == field)
            }
            let login = try await client.call(.post, "/api/login", json: #"{"method": "email", "email": "a@example.com"}"#)
            #expect(login.errorCode == "INVALID_INPUT")
            let reset = try await client.call(.post, "/api/password/reset", json: #"{"login": "ada", "code": "123456", "newPassword": "a brand new passphrase"}"#)
            #expect(reset.errorCode == "INVALID_INPUT")
        }
    }
}
