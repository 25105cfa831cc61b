import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct LimitTests {
    @Test(arguments: Backend.available)
    func failedLoginsBackOffPerIdentifierWhetherOrNotTheAccountExists(_ backend: Backend) async throws {
        let node = try backend.node(["login-backoff-after": .number(3), "login-backoff-min": .text("60s")])
        try await node.test { client in
            #expect(try await client.register("rex").status == .created)
            for login in ["rex", "nobody-\(UUID().uuidString.prefix(8))"] {
                for _ in 0..<3 {
                    #expect(try await client.login(login, password: "wrong wrong wrong").errorCode == "BAD_CREDENTIALS")
                }
                let refused = try await client.login(login, password: "correct horse battery")
                #expect(refused.status == .tooManyRequests, "\(login)")
                #expect(refused.errorCode == "TOO_MANY_ATTEMPTS")
                #expect(refused.headers[.retryAfter] == "60")
            }
            node.clock.advance(by: .seconds(61))
            #expect(try await client.login("REX").status == .ok)
            #expect(try await client.login("rex", password: "wrong wrong wrong").errorCode == "BAD_CREDENTIALS")
            #expect(try await client.login("rex").status == .ok)
        }
    }

    @Test(arguments: Backend.available)
    func loginRequestsPerClientAreRateLimited(_ backend: Backend) async throws {
        let node = try backend.node(["rate-limit-login": .text("4/1m")])
        try await node.test { client in
            for _ in 0..<4 {
                #expect(try await client.login("x", password: "wrong wrong wrong").errorCode == "BAD_CREDENTIALS")
            }
            let limited = try await client.login("x", password: "wrong wrong wrong")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "RATE_LIMITED")
            #expect(limited.headers[.retryAfter] == "15")
            #expect(limited.headers[.contentType] == "application/json; charset=utf-8")
            node.clock.advance(by: .seconds(15))
            #expect(try await client.login("x", password: "wrong wrong wrong").errorCode == "BAD_CREDENTIALS")
        }
    }

    @Test func aBadRuleInConfigurationIsRefusedAtStart() throws {
        let node = try TestNode(["rate-limit-login": .text("lots")])
        #expect(throws: (any Error).self) { _ = try node.configuration() }
    }
}
