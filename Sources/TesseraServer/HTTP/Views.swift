import Foundation
import TesseraCore

/// The API's User object; absent identifiers are `null`, never missing.
struct UserView: JSONRepresentable {
    var user: User

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id") { $0.string(user.id) }
            json.field("username") { $0.string(user.username) }
            json.field("email") { $0.string(user.email) }
            json.field("phone") { $0.string(user.phone) }
            json.field("emailVerified") { $0.bool(user.emailVerified) }
            json.field("phoneVerified") { $0.bool(user.phoneVerified) }
            json.field("roles") { $0.strings(user.roles) }
            json.field("createdAt") { $0.date(user.createdAt) }
        }
    }
}

/// The API's Session object. `id` is the public id, never the token.
struct SessionView: JSONRepresentable {
    var session: Session
    var current: Bool

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id") { $0.string(session.id) }
            json.field("device") { $0.string(session.device) }
            json.field("deviceName") { $0.string(session.deviceName) }
            json.field("ip") { $0.string(session.ip) }
            json.field("userAgent") { $0.string(session.userAgent) }
            json.field("createdAt") { $0.date(session.createdAt) }
            json.field("lastSeenAt") { $0.date(session.lastSeenAt) }
            json.field("expiresAt") { $0.date(session.expiresAt) }
            json.field("current") { $0.bool(current) }
        }
    }
}

struct UserEnvelope: JSONRepresentable {
    var user: UserView

    func write(to json: inout JSONWriter) {
        json.object { json in json.field("user") { user.write(to: &$0) } }
    }
}

struct UsersEnvelope: JSONRepresentable {
    var users: [UserView]

    func write(to json: inout JSONWriter) {
        json.object { json in json.field("users") { $0.array(users) { json, user in user.write(to: &json) } } }
    }
}

struct SessionsEnvelope: JSONRepresentable {
    var sessions: [SessionView]

    func write(to json: inout JSONWriter) {
        json.object { json in json.field("sessions") { $0.array(sessions) { json, session in session.write(to: &json) } } }
    }
}

struct WhoAmI: JSONRepresentable {
    var user: UserView
    var session: SessionView

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("session") { session.write(to: &$0) }
            json.field("user") { user.write(to: &$0) }
        }
    }
}

struct LoginResult: JSONRepresentable {
    var token: String
    var session: SessionView
    var user: UserView

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("session") { session.write(to: &$0) }
            json.field("token") { $0.string(token) }
            json.field("user") { user.write(to: &$0) }
        }
    }
}

struct Status: JSONRepresentable {
    var status: String

    func write(to json: inout JSONWriter) {
        json.object { json in json.field("status") { $0.string(status) } }
    }
}

/// The error shape: `{"error": {"code", "message", "field"?}}`.
struct ErrorBody: JSONRepresentable {
    var code: String
    var message: String
    var field: String?

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("error") {
                $0.object { json in
                    json.field("code") { $0.string(code) }
                    if let field { json.field("field") { $0.string(field) } }
                    json.field("message") { $0.string(message) }
                }
            }
        }
    }
}

/// The answer to a request for a code: when the same destination may get another.
struct CodeSent: JSONRepresentable {
    var resendAfter: Int64

    func write(to json: inout JSONWriter) {
        json.object { json in json.field("resendAfter") { $0.raw(String(resendAfter)) } }
    }
}

/// The dev outbox, newest first.
struct OutboxView: JSONRepresentable {
    var messages: [DevOutbox.Delivered]

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("messages") {
                $0.array(messages) { json, delivered in
                    json.object { json in
                        json.field("channel") { $0.string(delivered.message.channel.rawValue) }
                        json.field("to") { $0.string(delivered.message.to) }
                        json.field("kind") { $0.string(delivered.message.kind.rawValue) }
                        json.field("subject") { $0.string(delivered.message.subject) }
                        json.field("text") { $0.string(delivered.message.text) }
                        json.field("sentAt") { $0.date(delivered.sentAt) }
                    }
                }
            }
        }
    }
}
