import Configuration
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TesseraCore
@testable import TesseraServer

@Suite struct DevOutboxTests {
    func message(to: String, text: String = "hello") -> OutgoingMessage {
        OutgoingMessage(channel: .email, to: to, kind: .loginCode, subject: "Subject", text: text)
    }

    @Test func theOutboxIsNotFoundOutsideDevMode() async throws {
        try await TestNode().test { client in
            for accept in ["application/json", "text/html"] {
                let reply = try await client.call(.get, "/dev/outbox", headers: [.accept: accept])
                #expect(reply.status == .notFound)
                #expect(reply.errorCode == "NOT_FOUND")
            }
        }
    }

    @Test func theOutboxListsNewestFirstAndFilters() async throws {
        try await TestNode(["dev": .flag(true)]).test { client in
            for (name, email) in [("ada", "ada@example.com"), ("bob", "bob@example.com")] {
                #expect(try await client.register(name, email: email).status == .created)
            }
            let all = try await client.call(.get, "/dev/outbox")
            #expect(all.headers[.contentType] == "application/json; charset=utf-8")
            let messages = try #require(all.json["messages"] as? [[String: Any]])
            #expect(messages.map { $0["to"] as? String } == ["bob@example.com", "ada@example.com"])
            let first = try #require(messages.first)
            #expect(Set(first.keys) == ["channel", "to", "kind", "subject", "text", "sentAt"])
            #expect(try await client.outbox(to: "ada@example.com").map(\.to) == ["ada@example.com"])
            #expect(try await client.outbox(to: "nobody@example.com").isEmpty)
        }
    }

    @Test func aBrowserGetsAnEscapedPage() async throws {
        let outbox = DevOutbox()
        try await outbox.send(message(to: "ada@example.com", text: #"<script>alert("x")</script> & 'so'"#))
        let html = HTMLPage(title: "Dev outbox", body: "<pre>\(HTMLPage.escape(outbox.messages().first?.message.text ?? ""))</pre>")
        let response = html.response(status: .ok)
        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
        let policy = response.headers[.contentSecurityPolicy] ?? ""
        #expect(policy.hasPrefix("default-src 'none'; script-src 'self';"))
        #expect(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"))
        #expect(HTMLPage.escape(#"<script>alert("x")</script> & 'so'"#)
            == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;so&#39;")

        try await TestNode(["dev": .flag(true)]).test { client in
            #expect(try await client.register("ada", email: "ada@example.com").status == .created)
            let page = try await client.call(.get, "/dev/outbox", headers: [.accept: "text/html,application/xhtml+xml"])
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let text = String(decoding: page.body, as: UTF8.self)
            #expect(text.contains("ada@example.com"))
            #expect(text.contains("verify-email?token="))
            // The only script is the pages' own file; the message's text stays text.
            #expect(text.components(separatedBy: "<script").count == 2)
            #expect(text.contains(#"<script src="/static/tessera.js" defer></script>"#))
        }
    }

    @Test func theOutboxKeepsOnlyTheNewestMessages() async throws {
        let outbox = DevOutbox(capacity: 3)
        for index in 0..<5 { try await outbox.send(message(to: "u\(index)@example.com")) }
        #expect(outbox.messages().map(\.message.to) == ["u4@example.com", "u3@example.com", "u2@example.com"])
    }

    @Test func sendersFollowDevMode() async throws {
        #expect(MessageSenders.choose(dev: true).outbox != nil)
        let production = MessageSenders.choose(dev: false)
        #expect(production.outbox == nil)
        await #expect(throws: DeliveryError.self) { try await production.sender(for: .sms).send(message(to: "+15550001111")) }
        await #expect(throws: DeliveryError.self) { try await production.sender(for: .email).send(message(to: "ada@example.com")) }
    }
}
