import Foundation
import Logging
import SQLiteNIO
import TesseraCore

/// Accounts in one SQLite file: the embedded default.
///
/// The file and its folder are created on first use and the schema is brought up to date
/// when the store opens. The file is in WAL mode with a busy timeout, so `tessera` commands
/// can change accounts while a server has the same file open.
/// ```swift
/// let accounts = try await SQLiteAccountStore(path: "data/tessera.sqlite", logger: logger)
/// let user = try await accounts.create(NewAccount(username: "ada", passwordHash: hash))
/// try await accounts.close()
/// ```
public final class SQLiteAccountStore: AccountStore {
    private let pool: SQLiteConnectionPool

    /// Reads run on up to this many connections at once; writes take turns.
    static let maximumConnections = 4

    /// Opens (or creates) the file at `path`, then applies any schema migrations it has not had yet.
    public init(path: String, logger: Logger = Logger(label: "tessera.accounts.sqlite")) async throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw AccountStoreError.unavailable("cannot create the folder for \(path): \(error)")
        }
        self.pool = SQLiteConnectionPool(path: path, maximumConnections: Self.maximumConnections, logger: logger)
        do {
            try await withConnection { connection in
                try await Self.whileBusy {
                    _ = try await connection.query("PRAGMA journal_mode = WAL")
                    try await Self.migrate(connection, logger: logger)
                }
            }
        } catch {
            await pool.close()
            throw error
        }
    }

    public func create(_ account: NewAccount) async throws -> User {
        let user = AccountRow.newUser(account)
        let now = user.createdAt
        let binds: [SQLiteData] = [
            .text(user.id), textOrNull(user.username), textOrNull(AccountRow.key(user.username)),
            textOrNull(user.email), textOrNull(AccountRow.key(user.email)), textOrNull(user.phone),
            .integer(user.emailVerified ? 1 : 0), .integer(user.phoneVerified ? 1 : 0), textOrNull(user.passwordHash),
            .text(AccountRow.rolesJSON(user.roles)), milliseconds(now), milliseconds(now),
        ]
        // One INSERT is atomic: a unique violation leaves no trace of the account.
        _ = try await query(
            """
            INSERT INTO users (id, username, username_key, email, email_key, phone, email_verified,
                phone_verified, password_hash, roles, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)
            """, binds)
        return user
    }

    public func find(_ identifier: AccountIdentifier) async throws -> User? {
        let (column, value) =
            switch identifier {
            case .id(let id): ("id", id)
            case .username(let username): ("username_key", AccountRow.key(username))
            case .email(let email): ("email_key", AccountRow.key(email))
            case .phone(let phone): ("phone", phone)
            }
        let rows = try await query("SELECT \(AccountRow.columns) FROM users WHERE \(column) = ?", [.text(value)])
        return try rows.first.map(Self.user)
    }

    public func search(_ query: String, limit: Int) async throws -> [User] {
        let limit = SQLiteData.integer(SQLiteInt64(max(limit, 0)))
        let rows: [SQLiteRow]
        if query.isEmpty {
            rows = try await self.query(
                "SELECT \(AccountRow.columns) FROM users ORDER BY created_at, id LIMIT ?", [limit])
        } else {
            rows = try await self.query(
                """
                SELECT \(AccountRow.columns) FROM users
                WHERE username_key LIKE ?1 ESCAPE '\\' OR email_key LIKE ?1 ESCAPE '\\' OR phone LIKE ?1 ESCAPE '\\'
                ORDER BY created_at, id LIMIT ?2
                """, [.text(AccountRow.containsPattern(query)), limit])
        }
        return try rows.map(Self.user)
    }

    @discardableResult
    public func setPasswordHash(_ hash: String, for userID: String) async throws -> Bool {
        try await update("password_hash = ?", [.text(hash)], userID: userID)
    }

    public func setRoles(_ roles: [String], for userID: String) async throws -> User? {
        let rows = try await query(
            "UPDATE users SET roles = ?, updated_at = ? WHERE id = ? RETURNING \(AccountRow.columns)",
            [.text(AccountRow.rolesJSON(roles)), milliseconds(Timestamp.now()), .text(userID)])
        return try rows.first.map(Self.user)
    }

    @discardableResult
    public func setStatus(_ status: AccountStatus, for userID: String) async throws -> Bool {
        let columns = AccountRow.statusColumns(status)
        return try await update(
            "status = ?, disabled_until = ?, disabled_reason = ?",
            [.text(columns.status), columns.until.map(milliseconds) ?? .null, textOrNull(columns.reason)],
            userID: userID)
    }

    @discardableResult
    public func setVerified(_ address: ContactAddress, _ verified: Bool, for userID: String) async throws -> Bool {
        try await update("\(AccountRow.verifiedColumn(address)) = ?", [.integer(verified ? 1 : 0)], userID: userID)
    }

    public func ping() async throws {
        _ = try await query("SELECT 1", [])
    }

    public func close() async throws {
        await pool.close()
    }

    /// Sets `assignments` and `updated_at` on one account; false when there is none.
    private func update(_ assignments: String, _ binds: [SQLiteData], userID: String) async throws -> Bool {
        let rows = try await query(
            "UPDATE users SET \(assignments), updated_at = ? WHERE id = ? RETURNING id",
            binds + [milliseconds(Timestamp.now()), .text(userID)])
        return !rows.isEmpty
    }

    private func query(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        try await withConnection { try await $0.query(sql, binds) }
    }

    /// Leases a connection and turns driver errors into ``AccountStoreError``.
    private func withConnection<Result: Sendable>(
        _ body: (SQLiteConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await pool.lease()
        do {
            let result = try await body(connection)
            await pool.release(connection)
            return result
        } catch {
            await pool.release(connection)
            throw Self.accountStoreError(error)
        }
    }

    private static func accountStoreError(_ error: any Error) -> any Error {
        switch error {
        case let error as AccountStoreError:
            return error
        case let error as SQLiteError where error.reason == .constraintUniqueFailed:
            if let field = AccountSchema.conflictField(in: error.message) { return AccountStoreError.conflict(field) }
            return AccountStoreError.unavailable("SQLite: \(error)")
        default:
            return AccountStoreError.unavailable("SQLite: \(error)")
        }
    }

    /// Two processes opening the same new file at the same moment can find it busy at once,
    /// where the busy timeout does not apply (switching the file to WAL needs it to itself;
    /// a transaction may meet the other's switch half done). Both steps are idempotent, so
    /// they are tried again for as long as the busy timeout would have waited.
    private static func whileBusy(_ body: () async throws -> Void) async throws {
        let deadline = ContinuousClock.now + .milliseconds(SQLiteConnectionPool.busyTimeoutMilliseconds)
        while true {
            do {
                return try await body()
            } catch let error as SQLiteError where error.reason == .busy && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    private static func migrate(_ connection: SQLiteConnection, logger: Logger) async throws {
        // IMMEDIATE takes the write lock up front, so a second process opening the same
        // file at the same moment waits for this one and then finds nothing left to do.
        _ = try await connection.query("BEGIN IMMEDIATE")
        do {
            _ = try await connection.query(AccountSchema.sqliteMigrationTable)
            let applied = try await connection.query(
                "SELECT version FROM tessera_migrations WHERE component = ?", [.text(AccountSchema.component)]
            ).compactMap { $0.column("version")?.integer.map { Int($0) } }
            for migration in AccountSchema.sqlite where !applied.contains(migration.version) {
                for statement in migration.statements {
                    _ = try await connection.query(statement)
                }
                _ = try await connection.query(
                    "INSERT INTO tessera_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)",
                    [
                        .text(AccountSchema.component), .integer(SQLiteInt64(migration.version)), .text(migration.name),
                        .integer(SQLiteInt64(Timestamp.milliseconds(Timestamp.now()))),
                    ])
                logger.info(
                    "Applied account schema migration",
                    metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
            _ = try await connection.query("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw error
        }
    }

    private static func user(_ row: SQLiteRow) throws -> User {
        func text(_ name: String) -> String? { row.column(name)?.string }
        func time(_ name: String) -> Date? { row.column(name)?.integer.map { Timestamp.date(milliseconds: Int64($0)) } }
        guard let id = text("id"), let roles = text("roles"), let status = text("status"),
            let createdAt = time("created_at"), let updatedAt = time("updated_at")
        else { throw AccountStoreError.unavailable("SQLite: an account row is missing required columns") }
        return try AccountRow(
            id: id, username: text("username"), email: text("email"), phone: text("phone"),
            emailVerified: row.column("email_verified")?.integer == 1,
            phoneVerified: row.column("phone_verified")?.integer == 1,
            passwordHash: text("password_hash"), roles: roles, status: status,
            disabledUntil: time("disabled_until"), disabledReason: text("disabled_reason"),
            createdAt: createdAt, updatedAt: updatedAt
        ).user()
    }
}

private func textOrNull(_ text: String?) -> SQLiteData {
    text.map { .text($0) } ?? .null
}

private func milliseconds(_ date: Date) -> SQLiteData {
    .integer(SQLiteInt64(Timestamp.milliseconds(date)))
}
