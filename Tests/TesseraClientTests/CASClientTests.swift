import Foundation
@testable import TesseraClient
import TesseraCore
import TesseraSSO
import Testing

/// CAS mode's pieces, fed what Tessera's own CAS code writes, so the two cannot drift.
@Suite struct CASClientTests {
    @Test func theTicketOfTesserasLogoutRequestIsRead() {
        let ticket = "ST-" + SecureRandom.identifier(length: 32)
        let form = LogoutRequest(ticket: ticket, id: "LR-1", issuedAt: Date()).formBody
        #expect(CASLogoutRequest.ticket(inForm: form) == ticket)
        #expect(CASLogoutRequest.ticket(inForm: "other=1&" + form) == ticket)
    }

    @Test(arguments: [
        "", "logoutRequest=", "logoutRequest=%3Cx%3E", "ticket=ST-abc",
        "logoutRequest=%3CSessionIndex%3EST-a%3Cb%3E%3C%2FSessionIndex%3E",
        "logoutRequest=%3CSessionIndex%3ETGT-abc%3C%2FSessionIndex%3E",
        "logoutRequest=%ZZ",
    ])
    func anythingElseNamesNoTicket(_ form: String) {
        #expect(CASLogoutRequest.ticket(inForm: form) == nil)
    }

    @Test func theIdentityComesFromTesserasValidationJSON() throws {
        let principal = CASPrincipal(user: "ada", attributes: [
            .init("isFromNewLogin", [.bool(true)]), .init("userId", [.text("17")]), .init("username", [.text("ada")]),
            .init("roles", [.text("seller"), .text("support")]),
        ])
        let json = CASResponse.success(principal, attributes: true).json
        let answer = try JSONDecoder().decode(CASValidationResponse.self, from: Data(json.utf8))
        #expect(answer.identity() == TesseraIdentity(userID: "17", username: "ada", roles: ["seller", "support"], sessionID: ""))

        let failure = CASResponse.failure(.invalidTicket(ticket: "ST-x")).json
        #expect(try JSONDecoder().decode(CASValidationResponse.self, from: Data(failure.utf8)).identity() == nil)
    }

    @Test func localSessionsEndByTicketAndExpire() async {
        let sessions = CASLocalSessions(lifetime: .seconds(60))
        let start = Date()
        let ada = TesseraIdentity(userID: "17", username: "ada", roles: [], sessionID: "")
        let first = await sessions.start(ada, ticket: "ST-1", now: start)
        let second = await sessions.start(ada, ticket: "ST-2", now: start)
        var expected = ada
        expected.sessionID = SessionTokens.sessionID(of: first)
        #expect(await sessions.lookup(first, now: start) == .accepted(expected))

        #expect(await sessions.end(ticket: "ST-1", now: start))
        #expect(await !sessions.end(ticket: "ST-1", now: start))
        #expect(await sessions.lookup(first, now: start) == .refused(.loggedOut))
        if case .accepted = await sessions.lookup(second, now: start) {} else { Issue.record("the other session ended too") }
        #expect(await sessions.lookup(second, now: start.addingTimeInterval(61)) == .refused(.sessionExpired))
        #expect(await sessions.lookup("unknown", now: start) == .refused(.sessionExpired))
    }

    @Test(arguments: [
        ("/console/orders?page=2", "/console/orders?page=2"), ("//evil.example/", "/"), ("https://evil.example/", "/"),
        ("/\\evil.example", "/"), ("", "/"), ("orders", "/"),
    ])
    func nextStaysOnTheApp(_ path: String, _ expected: String) {
        #expect(TesseraCASClient.localPath(path) == expected)
    }
}
