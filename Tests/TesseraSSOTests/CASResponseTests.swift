import Foundation
import Testing
import TesseraSSO

@Suite struct CASResponseTests {
    let grant = TicketGrant(
        service: "https://shop.example/app", serviceID: "shop", userID: "u1", sessionID: "s1",
        authenticatedAt: Date(timeIntervalSince1970: 1_700_000_000), fromNewLogin: true, expiresAt: Date())

    @Test func successXMLCarriesTheUserAndEscapedAttributes() {
        let principal = CASPrincipal(grant: grant, username: "ada<&>", email: "ada@example.com", roles: ["admin", "ops"])
        let xml = CASResponse.success(principal, attributes: true).xml
        #expect(xml.contains("<cas:user>ada&lt;&amp;&gt;</cas:user>"))
        #expect(xml.contains("<cas:authenticationDate>2023-11-14T22:13:20Z</cas:authenticationDate>"))
        #expect(xml.contains("<cas:isFromNewLogin>true</cas:isFromNewLogin>"))
        #expect(xml.contains("<cas:longTermAuthenticationRequestTokenUsed>false</cas:longTermAuthenticationRequestTokenUsed>"))
        #expect(xml.contains("<cas:roles>admin</cas:roles>\n      <cas:roles>ops</cas:roles>"))
        #expect(!CASResponse.success(principal, attributes: false).xml.contains("cas:attributes"))
    }

    @Test func successJSONParsesWithTypedAttributes() throws {
        let principal = CASPrincipal(grant: grant, username: nil, email: nil, roles: [])
        let json = CASResponse.success(principal, attributes: true).json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let success = try #require((object["serviceResponse"] as? [String: Any])?["authenticationSuccess"] as? [String: Any])
        #expect(success["user"] as? String == "u1")
        let attributes = try #require(success["attributes"] as? [String: Any])
        #expect(attributes["isFromNewLogin"] as? [Bool] == [true])
        #expect(attributes["username"] == nil)
    }

    @Test func failuresCarryTheCASCode() throws {
        let xml = CASResponse.failure(.invalidService(ticket: "ST-x")).xml
        #expect(xml.contains(#"<cas:authenticationFailure code="INVALID_SERVICE">"#))
        let json = CASResponse.failure(.invalidTicket(ticket: "ST-\"")).json
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let failure = (object["serviceResponse"] as? [String: Any])?["authenticationFailure"] as? [String: Any]
        #expect(failure?["code"] as? String == "INVALID_TICKET")
        #expect(CASResponse.failure(.invalidRequest).text == "no\n\n")
    }

    @Test func theLogoutRequestNamesTheTicketAndIsFormEncoded() {
        let request = LogoutRequest(ticket: "ST-abc", id: "LR-1", issuedAt: Date(timeIntervalSince1970: 0))
        #expect(request.xml.contains("<samlp:SessionIndex>ST-abc</samlp:SessionIndex>"))
        #expect(request.xml.contains(#"IssueInstant="1970-01-01T00:00:00Z""#))
        #expect(request.formBody.hasPrefix("logoutRequest=%3Csamlp%3ALogoutRequest+xmlns"))
        #expect(!request.formBody.contains("<"))
    }

    @Test func retriesDoubleUpToTheLongestWaitThenGiveUp() {
        let policy = LogoutRetryPolicy(minimumWait: .seconds(2), maximumWait: .seconds(10), maximumAttempts: 5)
        #expect((1...5).map { policy.wait(afterAttempts: $0) } == [.seconds(2), .seconds(4), .seconds(8), .seconds(10), nil])
    }
}
