import Foundation
import TesseraCore

/// The API's User object; absent identifiers are `null`, never missing.
struct UserView: Encodable {
    var user: User

    enum Keys: String, CodingKey {
        case id, username, email, phone, emailVerified, phoneVerified, roles, createdAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(user.id, forKey: .id)
        try container.encode(user.username, forKey: .username)
        try container.encode(user.email, forKey: .email)
        try container.encode(user.phone, forKey: .phone)
        try container.encode(user.emailVerified, forKey: .emailVerified)
        try container.encode(user.phoneVerified, forKey: .phoneVerified)
        try container.encode(user.roles, forKey: .roles)
        try container.encode(user.createdAt, forKey: .createdAt)
    }
}

/// The API's Session object. `id` is the public id, never the token.
struct SessionView: Encodable {
    var session: Session
    var current: Bool

    enum Keys: String, CodingKey {
        case id, device, deviceName, ip, userAgent, createdAt, lastSeenAt, expiresAt, current
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(session.id, forKey: .id)
        try container.encode(session.device, forKey: .device)
        try container.encode(session.deviceName, forKey: .deviceName)
        try container.encode(session.ip, forKey: .ip)
        try container.encode(session.userAgent, forKey: .userAgent)
        try container.encode(session.createdAt, forKey: .createdAt)
        try container.encode(session.lastSeenAt, forKey: .lastSeenAt)
        try container.encode(session.expiresAt, forKey: .expiresAt)
        try container.encode(current, forKey: .current)
    }
}

struct UserEnvelope: Encodable {
    var user: UserView
}

struct UsersEnvelope: Encodable {
    var users: [UserView]
}

struct SessionsEnvelope: Encodable {
    var sessions: [SessionView]
}

struct WhoAmI: Encodable {
    var user: UserView
    var session: SessionView
}

struct LoginResult: Encodable {
    var token: String
    var session: SessionView
    var user: UserView
}

struct Status: Encodable {
    var status: String
}
