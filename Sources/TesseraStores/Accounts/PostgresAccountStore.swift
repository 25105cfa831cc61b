import Foundation
import Logging
import PostgresNIO
import TesseraCore

/// Accounts in PostgreSQL, shared by every node of a cluster.
///
/// The store runs its own postgres-nio connection pool until ``close()``. Opening it brings
/// the schema up to date; nodes starting at once take turns through an advisory lock.
/// Every operation that cannot get an answer within `timeout` fails with
/// ``AccountStoreError/unavailable(_:)``.
/// ```swift
/// let accounts = try await PostgresAccountStore(
///     url: "postgres://tessera:secret@db.internal:5432/tessera?sslmode=require", logger: logger)
/// let user = try await accounts.find(.email("ada@example.com"))
/// try await accounts.close()
/// ```
public final class PostgresAccountStore: AccountStore {
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let logger: Logger
    private let deadline: Deadline

    /// Held for the migration transaction; any 64-bit number other code leaves alone
    /// would do ("tessera" in ASCII).
    static let migrationLockKey: Int64 = 0x74_65_73_73_65_72_61

    /// Migrations may rewrite large tables; they get longer than ordinary operations.
    static let migrationTimeout = Duration.seconds(300)

    /// How long ``close()`` waits for the connection pool to stop.
    static let closeTimeout = Duration.seconds(10)

    /// Connects, then applies any schema migrations this database has not had yet.
    ///
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database`, optionally `?sslmode=disable`
    ///     (see the accepted forms in the project's PostgreSQL URL rules).
    ///   - timeout: how long one operation may wait for the database before it is unavailable.
    public init(
        url: String, logger: Logger = Logger(label: "tessera.accounts.postgres"), timeout: Duration = .seconds(10)
    ) async throws {
        let client = PostgresClient(configuration: try PostgresURL.configuration(from: url), backgroundLogger: logger)
        self.client = client
        self.runTask = Task { await client.run() }
        self.logger = logger
        self.deadline = Deadline(timeout: timeout)
        do {
            try await ping()
            try await perform(within: Deadline(timeout: Self.migrationTimeout)) { [logger] client in
                try await Self.migrate(client, logger: logger)
            }
        } catch {
            try await close()
            throw error
        }
    }

    public func create(_ account: NewAccount) async throws -> User {
        let user = AccountRow.newUser(account)
        let now = user.createdAt
        // One INSERT is atomic: a unique violation leaves no trace of the account.
        let query: PostgresQuery = """
            INSERT INTO users (id, username, username_key, email, email_key, phone, email_verified,
                phone_verified, password_hash, roles, status, created_at, updated_at)
            VALUES (\(user.id), \(user.username), \(AccountRow.key(user.username)), \(user.email),
                \(AccountRow.key(user.email)), \(user.phone), \(user.emailVerified), \(user.phoneVerified),
                \(user.passwordHash), \(AccountRow.rolesJSON(user.roles)), 'active', \(now), \(now))
            """
        _ = try await users(query)
        return user
    }

    public func find(_ identifier: AccountIdentifier) async throws -> User? {
        let query: PostgresQuery =
            switch identifier {
            case .id(let id): "SELECT \(unescaped: AccountRow.columns) FROM users WHERE id = \(id)"
            case .username(let username):
                "SELECT \(unescaped: AccountRow.columns) FROM users WHERE username_key = \(AccountRow.key(username))"
            case .email(let email):
                "SELECT \(unescaped: AccountRow.columns) FROM users WHERE email_key = \(AccountRow.key(email))"
            case .phone(let phone): "SELECT \(unescaped: AccountRow.columns) FROM users WHERE phone = \(phone)"
            }
        return try await users(query).first
    }

    public func search(_ query: String, limit: Int) async throws -> [User] {
        let limit = max(limit, 0)
        guard !query.isEmpty else {
            return try await users(
                "SELECT \(unescaped: AccountRow.columns) FROM users ORDER BY created_at, id LIMIT \(limit)")
        }
        let pattern = AccountRow.containsPattern(query)
        return try await users(
            """
            SELECT \(unescaped: AccountRow.columns) FROM users
            WHERE username_key LIKE \(pattern) ESCAPE '\\' OR email_key LIKE \(pattern) ESCAPE '\\'
                OR phone LIKE \(pattern) ESCAPE '\\'
            ORDER BY created_at, id LIMIT \(limit)
            """)
    }

    @discardableResult
    public func setPasswordHash(_ hash: String, for userID: String) async throws -> Bool {
        try await updated(
            """
            UPDATE users SET password_hash = \(hash), updated_at = \(Timestamp.now())
            WHERE id = \(userID) RETURNING id
            """)
    }

    public func setRoles(_ roles: [String], for userID: String) async throws -> User? {
        try await users(
            """
            UPDATE users SET roles = \(AccountRow.rolesJSON(roles)), updated_at = \(Timestamp.now())
            WHERE id = \(userID) RETURNING \(unescaped: AccountRow.columns)
            """
        ).first
    }

    @discardableResult
    public func setStatus(_ status: AccountStatus, for userID: String) async throws -> Bool {
        let columns = AccountRow.statusColumns(status)
        return try await updated(
            """
            UPDATE users SET status = \(columns.status), disabled_until = \(columns.until),
                disabled_reason = \(columns.reason), updated_at = \(Timestamp.now())
            WHERE id = \(userID) RETURNING id
            """)
    }

    @discardableResult
    public func setVerified(_ address: ContactAddress, _ verified: Bool, for userID: String) async throws -> Bool {
        try await updated(
            """
            UPDATE users SET \(unescaped: AccountRow.verifiedColumn(address)) = \(verified), updated_at = \(Timestamp.now())
            WHERE id = \(userID) RETURNING id
            """)
    }

    public func ping() async throws {
        try await perform(within: deadline) { client in
            _ = try await client.query("SELECT 1").collect()
        }
    }

    /// Stops the pool. A connection still leased to a query that never ends would keep
    /// postgres-nio's shutdown waiting, so the store stops waiting after `closeTimeout`.
    public func close() async throws {
        runTask.cancel()
        do {
            try await Deadline(timeout: Self.closeTimeout).run { [runTask] in await runTask.value }
        } catch {
            // Exceeded, or the caller was cancelled; either way the pool has been told to stop.
            logger.warning(
                "PostgreSQL connection pool did not stop in time; leaving it",
                metadata: ["timeout": "\(Self.closeTimeout)"])
        }
    }

    private func users(_ query: PostgresQuery) async throws -> [User] {
        try await perform(within: deadline) { client in
            try await client.query(query).collect().map(Self.user)
        }
    }

    /// Runs an `UPDATE … RETURNING id`; false when it matched no account.
    private func updated(_ query: PostgresQuery) async throws -> Bool {
        try await perform(within: deadline) { client in
            try await !client.query(query).collect().isEmpty
        }
    }

    private func perform<Result: Sendable>(
        within deadline: Deadline, _ body: @escaping @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        do {
            return try await deadline.run { [client] in try await body(client) }
        } catch {
            let storeError = Self.accountStoreError(error)
            if case .unavailable(let message) = storeError {
                logger.warning("PostgreSQL account store unavailable", metadata: ["reason": "\(message)"])
            }
            throw storeError
        }
    }

    private static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
                .collect()
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: AccountSchema.postgresMigrationTable), logger: logger
            )
            .collect()
            var applied: Set<Int> = []
            let rows = try await connection.query(
                "SELECT version FROM tessera_migrations WHERE component = \(AccountSchema.component)", logger: logger)
            for try await version in rows.decode(Int.self) {
                applied.insert(version)
            }
            for migration in AccountSchema.postgres where !applied.contains(migration.version) {
                for statement in migration.statements {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                }
                _ = try await connection.query(
                    """
                    INSERT INTO tessera_migrations (component, version, name)
                    VALUES (\(AccountSchema.component), \(migration.version), \(migration.name))
                    """, logger: logger
                ).collect()
                logger.info(
                    "Applied account schema migration",
                    metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
    }

    private static func user(_ row: PostgresRow) throws -> User {
        let (
            id, username, email, phone, emailVerified, phoneVerified, passwordHash, roles, status,
            disabledUntil, disabledReason, createdAt, updatedAt
        ) = try row.decode(
            (String, String?, String?, String?, Bool, Bool, String?, String, String, Date?, String?, Date, Date).self)
        return try AccountRow(
            id: id, username: username, email: email, phone: phone,
            emailVerified: emailVerified, phoneVerified: phoneVerified, passwordHash: passwordHash,
            roles: roles, status: status, disabledUntil: disabledUntil, disabledReason: disabledReason,
            createdAt: createdAt, updatedAt: updatedAt
        ).user()
    }

    /// Errors for the caller: a unique violation names its field; anything else is
    /// unavailable, described without the query or its values (they may hold a hash).
    private static func accountStoreError(_ error: any Error) -> AccountStoreError {
        switch error {
        case let error as AccountStoreError:
            return error
        case let error as PostgresTransactionError:
            let cause = error.closureError ?? error.beginError ?? error.commitError
            return cause.map(accountStoreError) ?? .unavailable("PostgreSQL: the transaction failed")
        case let error as PSQLError:
            if error.serverInfo?[.sqlState] == "23505",
                let field = AccountSchema.conflictField(in: error.serverInfo?[.constraintName] ?? "")
            {
                return .conflict(field)
            }
            return .unavailable("PostgreSQL: \(describe(error))")
        case let error as Deadline.Exceeded:
            return .unavailable("PostgreSQL did not answer within \(error.timeout)")
        case is PostgresDecodingError:
            return .unavailable("PostgreSQL: an account row has a column of an unexpected type")
        default:
            return .unavailable("PostgreSQL: \(error)")
        }
    }

    private static func describe(_ error: PSQLError) -> String {
        if let serverInfo = error.serverInfo {
            return "\(serverInfo[.sqlState] ?? "?") \(serverInfo[.message] ?? "server error")"
        }
        return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }
}
