import Foundation
import Logging
import RESP
import ServiceLifecycle
import TesseraCore
import TesseraSSO
import TesseraStores

/// The stores a configuration names: memory or Redis for sessions, limits, codes, events,
/// service tickets and the single-logout outbox, SQLite or
/// PostgreSQL for accounts, with what keeps them tidy and closes them at shutdown.
struct Stores: Sendable {
    var sessions: any SessionStore
    var rateLimits: any RateLimitStore
    var loginFailures: any LoginFailureStore
    var codes: any CodeStore
    var accounts: any AccountStore
    var events: any EventBus
    var serviceTickets: any ServiceTicketStore
    var logoutOutbox: any LogoutOutbox
    var lifecycle: [any Service]
    var sessionsKind: String
    var accountsKind: String
    /// Closes every connection the stores hold; for commands that open them briefly.
    var close: @Sendable () async -> Void

    /// - Parameter tokens: the node's session tokens; the Redis account cache keeps each
    ///   account in its user's slot, named by the user's shard tag.
    static func open(configuration: TesseraConfiguration, tokens: SessionTokens, logger: Logger) async throws -> Stores {
        let accounts: any AccountStore
        let accountsKind: String
        if let url = configuration.databaseURL {
            accounts = try await PostgresAccountStore(url: url, logger: logger)
            accountsKind = "postgresql"
        } else {
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            let path = (configuration.dataDirectory as NSString).appendingPathComponent("tessera.sqlite")
            accounts = try await SQLiteAccountStore(path: path, logger: logger)
            accountsKind = "sqlite"
        }
        if let url = configuration.redisURL {
            let client = RedisClient(configuration: try RedisConfiguration(url: url), logger: logger)
            // Accounts are cached in Redis too, so a write on one node is seen by all at once,
            // beside the user's sessions, so a session check reads both in one round trip.
            let cached = CachedAccountStore(
                accounts, cache: RedisAccountCache(client: client, tokens: tokens, namespace: configuration.redisNamespace))
            let lifecycle: [any Service] = [StoreCloser(accounts: cached), RedisCloser(client: client)]
            return Stores(
                sessions: RedisSessionStore(client: client, namespace: configuration.redisNamespace, readsCachedAccounts: true),
                rateLimits: RedisRateLimitStore(client: client, namespace: configuration.redisNamespace),
                loginFailures: RedisLoginFailureStore(client: client, namespace: configuration.redisNamespace),
                codes: RedisCodeStore(client: client, namespace: configuration.redisNamespace), accounts: cached,
                events: RedisEventBus(client: client, namespace: configuration.redisNamespace, logger: logger),
                serviceTickets: RedisServiceTicketStore(client: client, namespace: configuration.redisNamespace),
                logoutOutbox: RedisLogoutOutbox(client: client, namespace: configuration.redisNamespace), lifecycle: lifecycle, sessionsKind: "redis",
                accountsKind: accountsKind,
                close: {
                    await client.close()
                    try? await cached.close()
                })
        }
        let cached = CachedAccountStore(accounts, cache: MemoryAccountCache())
        var lifecycle: [any Service] = [StoreCloser(accounts: cached)]
        let memory = MemorySessionStore()
        let rateLimits = MemoryRateLimitStore()
        let loginFailures = MemoryLoginFailureStore()
        let codes = MemoryCodeStore()
        let serviceTickets = MemoryServiceTicketStore()
        lifecycle.append(MemorySweeper { now in
            memory.purge(now: now)
            serviceTickets.purge(now: now)
            rateLimits.purge(now: now)
            loginFailures.purge(now: now)
            codes.purge(now: now)
        })
        return Stores(
            sessions: memory, rateLimits: rateLimits, loginFailures: loginFailures, codes: codes, accounts: cached, events: MemoryEventBus(), serviceTickets: serviceTickets,
            logoutOutbox: MemoryLogoutOutbox(),             lifecycle: lifecycle, sessionsKind: "memory", accountsKind: accountsKind,
            close: { try? await cached.close() })
    }
}

/// Closes the account store when the node shuts down.
struct StoreCloser: Service {
    let accounts: any AccountStore

    func run() async throws {
        try? await gracefulShutdown()
        try await accounts.close()
    }
}

struct RedisCloser: Service {
    let client: RedisClient

    func run() async throws {
        try? await gracefulShutdown()
        await client.close()
    }
}

/// Drops expired in-memory sessions, limits, failure counts and codes once a minute, so entries
/// nobody touches again do not pile up.
struct MemorySweeper: Service {
    let sweep: @Sendable (Date) -> Void

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(60))
                sweep(Date())
            }
        }
    }
}
