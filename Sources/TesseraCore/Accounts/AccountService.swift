import Foundation
import Logging

/// Registration, password login and password change: the account rules on top of an
/// ``AccountStore``. Password hashing runs on the ``BlockingExecutor``.
///
/// ```swift
/// let accounts = AccountService(store: store, hasher: PasswordHasher(), policy: PasswordPolicy(), executor: pool)
/// let user = try await accounts.register(username: "ada", password: "correct horse battery", email: nil, phone: nil)
/// let same = try await accounts.authenticate(login: "ada", password: "correct horse battery")
/// ```
public struct AccountService: Sendable {
    public let store: any AccountStore
    public let hasher: PasswordHasher
    public let policy: PasswordPolicy
    public let executor: any BlockingExecutor
    public let clock: any WallClock
    private let logger: Logger

    public init(
        store: any AccountStore, hasher: PasswordHasher, policy: PasswordPolicy, executor: any BlockingExecutor,
        clock: any WallClock = SystemWallClock(), logger: Logger = Logger(label: "tessera.accounts")
    ) {
        self.store = store
        self.hasher = hasher
        self.policy = policy
        self.executor = executor
        self.clock = clock
        self.logger = logger
    }

    /// Creates an account. A username already taken is refused (usernames are public);
    /// an e-mail or phone already taken is not revealed: the account is created without it.
    public func register(username rawUsername: String, password: String, email rawEmail: String?, phone rawPhone: String?, roles: [String] = []) async throws -> User {
        let username = try AccountInput.username(rawUsername)
        let email = try rawEmail.map(AccountInput.email)
        let phone = try rawPhone.map(AccountInput.phone)
        let roles = try AccountInput.roles(roles)
        try checkStrength(password, identifiers: [username, email].compactMap { $0 })
        let hasher = self.hasher
        let hash = try await executor.run { try hasher.hash(password) }
        var account = NewAccount(username: username, email: email, phone: phone, passwordHash: hash, roles: roles)
        while true {
            do {
                return try await store.create(account)
            } catch AccountStoreError.conflict(.username) {
                throw TesseraError.usernameTaken
            } catch AccountStoreError.conflict(.email) where account.email != nil {
                account.email = nil
            } catch AccountStoreError.conflict(.phone) where account.phone != nil {
                account.phone = nil
            } catch AccountStoreError.unavailable {
                throw TesseraError.storeUnavailable
            }
        }
    }

    /// The account a login (username, e-mail or phone) and password name. Unknown accounts
    /// and wrong passwords are the same error and cost the same time. An older or weaker
    /// hash is replaced by a current one after a successful check.
    public func authenticate(login: String, password: String) async throws -> User {
        let user = try await find(AccountInput.identifier(forLogin: login))
        let hasher = self.hasher
        guard let user, let stored = user.passwordHash else {
            try await executor.run { hasher.dummyVerify(password) }
            throw TesseraError.badCredentials
        }
        guard case .valid(let needsRehash) = try await executor.run({ hasher.verify(password, against: stored) }) else {
            throw TesseraError.badCredentials
        }
        if user.isDisabled(at: clock.now()) { throw TesseraError.accountDisabled }
        if needsRehash {
            do {
                let upgraded = try await executor.run { try hasher.hash(password) }
                try await store.setPasswordHash(upgraded, for: user.id)
                logger.info("password hash upgraded", metadata: ["user": "\(user.id)"])
            } catch {
                logger.warning("password hash upgrade failed", metadata: ["user": "\(user.id)"])
            }
        }
        return user
    }

    /// Replaces the password after checking the current one.
    public func changePassword(of user: User, current: String, new: String) async throws {
        guard let stored = try await passwordHash(of: user) else { throw TesseraError.badCredentials }
        let hasher = self.hasher
        guard case .valid = try await executor.run({ hasher.verify(current, against: stored) }) else {
            throw TesseraError.badCredentials
        }
        try checkStrength(new, identifiers: [user.username, user.email].compactMap { $0 })
        let hash = try await executor.run { try hasher.hash(new) }
        guard try await storeCall({ try await store.setPasswordHash(hash, for: user.id) }) else { throw TesseraError.notFound }
    }

    /// The account of a phone number proven by an SMS code, created (without username or
    /// password, the number verified) when none has it yet. Two first logins at once end
    /// in one account.
    public func accountForVerifiedPhone(_ phone: String) async throws -> User {
        if let user = try await find(.phone(phone)) { return user }
        do {
            return try await store.create(NewAccount(username: nil, phone: phone, passwordHash: nil, phoneVerified: true))
        } catch AccountStoreError.conflict(.phone) {
            guard let user = try await find(.phone(phone)) else { throw TesseraError.storeUnavailable }
            return user
        } catch AccountStoreError.unavailable {
            throw TesseraError.storeUnavailable
        }
    }

    /// Sets a new password without the current one, after a reset code proved the caller
    /// owns the account's address. The caller ends the account's sessions.
    public func resetPassword(of user: User, to new: String) async throws {
        try checkStrength(new, identifiers: [user.username, user.email].compactMap { $0 })
        let hasher = self.hasher
        let hash = try await executor.run { try hasher.hash(new) }
        guard try await storeCall({ try await store.setPasswordHash(hash, for: user.id) }) else { throw TesseraError.notFound }
    }

    /// Marks the account's e-mail address or phone number verified, after a code sent there
    /// was redeemed; returns the account as it now is.
    public func markVerified(_ address: ContactAddress, of user: User) async throws -> User {
        var verified = user
        switch address {
        case .email:
            if user.emailVerified { return user }
            verified.emailVerified = true
        case .phone:
            if user.phoneVerified { return user }
            verified.phoneVerified = true
        }
        guard try await storeCall({ try await store.setVerified(address, true, for: user.id) }) else {
            throw TesseraError.notFound
        }
        return verified
    }

    /// Refuses a password `policy` would refuse, before any code or hash is spent on it.
    public func checkNewPassword(_ password: String, identifiers: [String]) throws {
        try checkStrength(password, identifiers: identifiers)
    }

    public func search(_ query: String, limit: Int) async throws -> [User] {
        try await storeCall { try await store.search(query, limit: limit) }
    }

    public func setStatus(_ status: AccountStatus, for userID: String) async throws {
        guard try await storeCall({ try await store.setStatus(status, for: userID) }) else { throw TesseraError.notFound }
    }

    public func setRoles(_ roles: [String], for userID: String) async throws -> User? {
        try await storeCall { try await store.setRoles(roles, for: userID) }
    }

    public func find(_ identifier: AccountIdentifier?) async throws -> User? {
        guard let identifier else { return nil }
        return try await storeCall { try await store.find(identifier) }
    }

    /// The account's password hash. An account read by id may come from the cache, which
    /// keeps no hashes; lookups by username go to the store itself.
    private func passwordHash(of user: User) async throws -> String? {
        if let hash = user.passwordHash { return hash }
        guard let username = user.username, let stored = try await find(.username(username)), stored.id == user.id else { return nil }
        return stored.passwordHash
    }

    private func checkStrength(_ password: String, identifiers: [String]) throws {
        if let violation = policy.check(password, identifiers: identifiers) {
            throw TesseraError.weakPassword(violation.message)
        }
    }

    private func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch AccountStoreError.unavailable {
            throw TesseraError.storeUnavailable
        }
    }
}
