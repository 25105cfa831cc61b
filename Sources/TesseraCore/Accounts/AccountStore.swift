import Foundation

/// Where accounts live: SQLite by default, PostgreSQL for a cluster.
///
/// Every implementation passes the same contract suite (`AccountStoreContract` in the
/// tests). Uniqueness of username, e-mail and phone is enforced by the store itself, so
/// two nodes registering the same name at once cannot both succeed.
/// ```swift
/// let store: any AccountStore = try await SQLiteAccountStore(path: "data/tessera.sqlite")
/// if let user = try await store.find(.username("ada")) { … }
/// ```
public protocol AccountStore: Sendable {
    /// Creates an account with a new id and `createdAt == updatedAt == now`.
    /// Throws ``AccountStoreError/conflict(_:)`` naming the first identifier already taken;
    /// nothing is written in that case.
    func create(_ account: NewAccount) async throws -> User
    func find(_ identifier: AccountIdentifier) async throws -> User?
    /// Accounts whose username, e-mail or phone contains `query` (case-insensitive), by
    /// creation time, at most `limit`. An empty query lists all.
    func search(_ query: String, limit: Int) async throws -> [User]
    /// Replaces the password hash. Returns false when the account does not exist.
    @discardableResult func setPasswordHash(_ hash: String, for userID: String) async throws -> Bool
    /// Replaces the roles. Returns the updated account, or nil when it does not exist.
    func setRoles(_ roles: [String], for userID: String) async throws -> User?
    /// Returns false when the account does not exist.
    @discardableResult func setStatus(_ status: AccountStatus, for userID: String) async throws -> Bool
    /// Marks the account's e-mail address or phone number verified or not.
    /// Returns false when the account does not exist.
    @discardableResult func setVerified(_ address: ContactAddress, _ verified: Bool, for userID: String) async throws -> Bool
    /// Checks that the store answers; throws ``AccountStoreError/unavailable(_:)`` otherwise.
    func ping() async throws
    func close() async throws
}

public enum AccountField: String, Sendable, Equatable {
    case username, email, phone
}

/// An address of an account that a code sent to it can prove.
public enum ContactAddress: String, Sendable, Equatable {
    case email, phone

    /// The kind of address `identifier` is, or nil for an id or a username.
    public init?(_ identifier: AccountIdentifier) {
        switch identifier {
        case .email: self = .email
        case .phone: self = .phone
        case .id, .username: return nil
        }
    }
}

public enum AccountStoreError: Error, Equatable {
    /// The identifier is already used by another account.
    case conflict(AccountField)
    /// The database cannot be reached or answered with an error; the message is for logs.
    case unavailable(String)
}
