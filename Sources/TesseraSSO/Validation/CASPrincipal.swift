import Foundation

/// The user a successful validation names, with the attributes `/cas/p3/serviceValidate`
/// releases.
///
/// ```swift
/// let principal = CASPrincipal(user: "ada", attributes: [("email", ["ada@example.com"]), ("roles", ["admin"])])
/// ```
public struct CASPrincipal: Sendable, Equatable {
    public var user: String
    /// Attribute names with their values, in the order they are written; several values
    /// make a multi-valued attribute.
    public var attributes: [Attribute]

    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var values: [Value]

        public init(_ name: String, _ values: [Value]) {
            self.name = name
            self.values = values
        }
    }

    /// An attribute value: JSON keeps booleans as booleans, XML writes them as `true`/`false`.
    public enum Value: Sendable, Equatable {
        case text(String)
        case bool(Bool)

        var text: String {
            switch self {
            case .text(let text): text
            case .bool(let flag): flag ? "true" : "false"
            }
        }
    }

    public init(user: String, attributes: [Attribute]) {
        self.user = user
        self.attributes = attributes
    }

    /// The standard attributes of a grant and its user: `authenticationDate`,
    /// `isFromNewLogin`, `longTermAuthenticationRequestTokenUsed` (always false: there is no
    /// "remember me"), `userId`, and `username`, `email` and `roles` when the user has them.
    public init(grant: TicketGrant, username: String?, email: String?, roles: [String]) {
        var attributes: [Attribute] = [
            Attribute("authenticationDate", [.text(Self.timestamp(grant.authenticatedAt))]),
            Attribute("isFromNewLogin", [.bool(grant.fromNewLogin)]),
            Attribute("longTermAuthenticationRequestTokenUsed", [.bool(false)]),
            Attribute("userId", [.text(grant.userID)]),
        ]
        if let username { attributes.append(Attribute("username", [.text(username)])) }
        if let email { attributes.append(Attribute("email", [.text(email)])) }
        if !roles.isEmpty { attributes.append(Attribute("roles", roles.map(Value.text))) }
        self.init(user: username ?? grant.userID, attributes: attributes)
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
