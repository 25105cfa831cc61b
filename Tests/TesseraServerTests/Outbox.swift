import Foundation
import HummingbirdTesting
import Testing

/// Reading the dev outbox from tests, as a developer reads it.
struct OutboxMessage {
    var channel: String
    var to: String
    var kind: String
    var subject: String
    var text: String

    /// The first run of six digits in the text.
    var code: String? {
        text.firstMatch(of: /\b[0-9]{6}\b/).map { String($0.output) }
    }

    /// The verification link's token.
    var linkToken: String? {
        text.firstMatch(of: /verify-email\?token=([A-Za-z0-9_-]+)/).map { String($0.output.1) }
    }
}

extension TestClientProtocol {
    /// The outbox's messages to `to`, newest first.
    func outbox(to recipient: String) async throws -> [OutboxMessage] {
        let encoded = recipient.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? recipient
        let reply = try await call(.get, "/dev/outbox?to=\(encoded)")
        #expect(reply.status == .ok)
        let messages = reply.json["messages"] as? [[String: Any]] ?? []
        return messages.map { item in
            OutboxMessage(
                channel: item["channel"] as? String ?? "", to: item["to"] as? String ?? "", kind: item["kind"] as? String ?? "",
                subject: item["subject"] as? String ?? "", text: item["text"] as? String ?? "")
        }
    }

    /// The newest message to `to`; fails the test when there is none.
    func newestMessage(to recipient: String) async throws -> OutboxMessage {
        try #require(try await outbox(to: recipient).first)
    }

    func askForCode(_ purpose: String, channel: String = "email", to destination: String) async throws -> Reply {
        try await call(.post, "/api/codes", json: #"{"channel": "\#(channel)", "to": "\#(destination)", "purpose": "\#(purpose)"}"#)
    }

    /// Asks for a code by SMS and returns it from the outbox.
    func smsCode(_ purpose: String, to phone: String) async throws -> String {
        #expect(try await askForCode(purpose, channel: "sms", to: phone).status == .accepted)
        return try #require(try await newestMessage(to: phone).code)
    }

    func codeLogin(email: String, code: String) async throws -> Reply {
        try await call(.post, "/api/login", json: #"{"method": "email", "email": "\#(email)", "code": "\#(code)"}"#)
    }
}
