import Foundation

/// An account as Tessera stores it.
///
/// Values are immutable; a change is written through an ``AccountStore`` and read back.
/// ```swift
/// let user = try await accounts.create(NewAccount(username: "ada", passwordHash: hash))
/// print(user.id, user.roles)
/// ```
public struct User: Sendable, Equatable, Codable {
    public var id: String
    public var username: String?
    public var email: String?
    public var phone: String?
    public var emailVerified: Bool
    public var phoneVerified: Bool
    /// The stored password hash in PHC-like string form (`$scrypt$…`, `$2b$…`, `$md5x2$…`), or nil.
    public var passwordHash: String?
    public var roles: [String]
    public var status: AccountStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, username: String?, email: String?, phone: String?,
        emailVerified: Bool = false, phoneVerified: Bool = false,
        passwordHash: String?, roles: [String] = [], status: AccountStatus = .active,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.username = username
        self.email = email
        self.phone = phone
        self.emailVerified = emailVerified
        self.phoneVerified = phoneVerified
        self.passwordHash = passwordHash
        self.roles = roles
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func hasRole(_ role: String) -> Bool { roles.contains(role) }

    /// True when the account may not log in or keep sessions at `now`.
    public func isDisabled(at now: Date) -> Bool {
        switch status {
        case .active: return false
        case .disabled(let until, _): return until.map { now < $0 } ?? true
        }
    }
}

/// Whether an account may be used.
public enum AccountStatus: Sendable, Equatable, Codable {
    case active
    /// Disabled by an administrator; `until == nil` means until enabled again.
    case disabled(until: Date?, reason: String?)
}

/// What an account is created from. Identifiers are stored as given: normalise them first
/// (see ``AccountIdentifier``).
public struct NewAccount: Sendable, Equatable {
    public var username: String?
    public var email: String?
    public var phone: String?
    public var passwordHash: String?
    public var roles: [String]
    public var emailVerified: Bool
    public var phoneVerified: Bool

    public init(
        username: String?, email: String? = nil, phone: String? = nil, passwordHash: String?,
        roles: [String] = [], emailVerified: Bool = false, phoneVerified: Bool = false
    ) {
        self.username = username
        self.email = email
        self.phone = phone
        self.passwordHash = passwordHash
        self.roles = roles
        self.emailVerified = emailVerified
        self.phoneVerified = phoneVerified
    }
}

/// One way of naming an account.
public enum AccountIdentifier: Sendable, Hashable {
    case id(String)
    case username(String)
    case email(String)
    case phone(String)
}
