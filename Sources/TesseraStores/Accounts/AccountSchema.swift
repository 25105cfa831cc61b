import TesseraCore

/// The `users` table, written once per SQL dialect. Steps are only ever appended: a
/// released step is never edited, since databases that applied it will not run it again.
///
/// Unique indexes carry the names the stores read back from a violation:
/// `users_username_key`, `users_email_key`, `users_phone_key`.
enum AccountSchema {
    static let component = "accounts"

    static let sqliteMigrationTable = """
        CREATE TABLE IF NOT EXISTS tessera_migrations (
            component TEXT NOT NULL,
            version INTEGER NOT NULL,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL,
            PRIMARY KEY (component, version)
        ) STRICT
        """

    static let postgresMigrationTable = """
        CREATE TABLE IF NOT EXISTS tessera_migrations (
            component text NOT NULL,
            version integer NOT NULL,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (component, version)
        )
        """

    /// Times are integer milliseconds since 1970; booleans are 0 or 1.
    static let sqlite: [SchemaMigration] = [
        SchemaMigration(
            version: 1, name: "create users",
            statements: [
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY NOT NULL,
                    username TEXT,
                    username_key TEXT,
                    email TEXT,
                    email_key TEXT,
                    phone TEXT,
                    email_verified INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1)),
                    phone_verified INTEGER NOT NULL DEFAULT 0 CHECK (phone_verified IN (0, 1)),
                    password_hash TEXT,
                    roles TEXT NOT NULL DEFAULT '[]',
                    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
                    disabled_until INTEGER,
                    disabled_reason TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    CHECK ((username IS NULL) = (username_key IS NULL)),
                    CHECK ((email IS NULL) = (email_key IS NULL))
                ) STRICT
                """,
                "CREATE UNIQUE INDEX users_username_key ON users (username_key)",
                "CREATE UNIQUE INDEX users_email_key ON users (email_key)",
                "CREATE UNIQUE INDEX users_phone_key ON users (phone)",
                "CREATE INDEX users_created_at ON users (created_at, id)",
            ]
        )
    ]

    static let postgres: [SchemaMigration] = [
        SchemaMigration(
            version: 1, name: "create users",
            statements: [
                """
                CREATE TABLE users (
                    id text PRIMARY KEY,
                    username text,
                    username_key text,
                    email text,
                    email_key text,
                    phone text,
                    email_verified boolean NOT NULL DEFAULT false,
                    phone_verified boolean NOT NULL DEFAULT false,
                    password_hash text,
                    roles text NOT NULL DEFAULT '[]',
                    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
                    disabled_until timestamptz,
                    disabled_reason text,
                    created_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL,
                    CHECK ((username IS NULL) = (username_key IS NULL)),
                    CHECK ((email IS NULL) = (email_key IS NULL))
                )
                """,
                "CREATE UNIQUE INDEX users_username_key ON users (username_key)",
                "CREATE UNIQUE INDEX users_email_key ON users (email_key)",
                "CREATE UNIQUE INDEX users_phone_key ON users (phone)",
                "CREATE INDEX users_created_at ON users (created_at, id)",
            ]
        )
    ]

    /// The field whose unique index has this name, as PostgreSQL reports it in
    /// `constraint_name` and SQLite as `users.<column>` in its message.
    static func conflictField(in text: String) -> AccountField? {
        if text.contains("users_username_key") || text.contains("users.username_key") { return .username }
        if text.contains("users_email_key") || text.contains("users.email_key") { return .email }
        if text.contains("users_phone_key") || text.contains("users.phone") { return .phone }
        return nil
    }
}
