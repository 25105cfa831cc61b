import Foundation
import TesseraCore

/// One row of the `users` table in the terms both backends share.
///
/// Username and e-mail are unique regardless of case through `username_key` and
/// `email_key`, lower-cased here in Swift: SQLite's `lower()` folds only ASCII and
/// PostgreSQL's follows the database's locale, so folding in the database would let the
/// two backends disagree about which names collide. Phone numbers are compared exactly.
///
/// Roles are a JSON array of strings in one text column: they are always read with the
/// account and replaced whole, so a join table would only add a query.
struct AccountRow {
    static let columns = """
        id, username, email, phone, email_verified, phone_verified, password_hash, roles, \
        status, disabled_until, disabled_reason, created_at, updated_at
        """

    /// The column that says whether `address` is verified; a fixed name, safe in SQL text.
    static func verifiedColumn(_ address: ContactAddress) -> String {
        switch address {
        case .email: "email_verified"
        case .phone: "phone_verified"
        }
    }

    var id: String
    var username: String?
    var email: String?
    var phone: String?
    var emailVerified: Bool
    var phoneVerified: Bool
    var passwordHash: String?
    var roles: String
    var status: String
    var disabledUntil: Date?
    var disabledReason: String?
    var createdAt: Date
    var updatedAt: Date

    func user() throws(AccountStoreError) -> User {
        guard let roles = try? JSONDecoder().decode([String].self, from: Data(roles.utf8)) else {
            throw .unavailable("account \(id) has unreadable roles")
        }
        return User(
            id: id, username: username, email: email, phone: phone,
            emailVerified: emailVerified, phoneVerified: phoneVerified,
            passwordHash: passwordHash, roles: roles, status: try accountStatus(),
            createdAt: Timestamp.rounded(createdAt), updatedAt: Timestamp.rounded(updatedAt)
        )
    }

    private func accountStatus() throws(AccountStoreError) -> AccountStatus {
        switch status {
        case "active": return .active
        case "disabled": return .disabled(until: disabledUntil.map(Timestamp.rounded), reason: disabledReason)
        default: throw .unavailable("account \(id) has unknown status \(status)")
        }
    }

    /// The account `create` writes: a new id, active, created and updated now.
    static func newUser(_ account: NewAccount) -> User {
        let now = Timestamp.now()
        return User(
            id: AccountID.generate(), username: account.username, email: account.email, phone: account.phone,
            emailVerified: account.emailVerified, phoneVerified: account.phoneVerified,
            passwordHash: account.passwordHash, roles: account.roles, createdAt: now, updatedAt: now
        )
    }

    /// The case-folded form kept in `username_key` and `email_key` and used to find them.
    static func key(_ identifier: String) -> String {
        identifier.lowercased()
    }

    static func key(_ identifier: String?) -> String? {
        identifier.map(key)
    }

    static func rolesJSON(_ roles: [String]) -> String {
        // Encoding an array of strings cannot fail.
        String(decoding: try! JSONEncoder().encode(roles), as: UTF8.self)
    }

    /// The `status`, `disabled_until` and `disabled_reason` columns for `status`.
    static func statusColumns(_ status: AccountStatus) -> (status: String, until: Date?, reason: String?) {
        switch status {
        case .active: return ("active", nil, nil)
        case .disabled(let until, let reason): return ("disabled", until.map(Timestamp.rounded), reason)
        }
    }

    /// A `LIKE … ESCAPE '\'` pattern matching keys that contain `query` literally.
    static func containsPattern(_ query: String) -> String {
        var escaped = ""
        for character in key(query) {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }
}
