import ArgumentParser
import Configuration

/// The options that say where data lives, shared by `serve` and the operator commands.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Folder for the SQLite database and the generated server key (default ./data).")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL for accounts; SQLite in --data-dir when absent.")
    var databaseURL: String?

    @Option(name: .customLong("redis-url"), help: "Redis URL for sessions (redis://, rediss://, or redis+sentinel://sentinels/master-name); in memory when absent.")
    var redisURL: String?

    @Option(name: .customLong("redis-namespace"), help: "Prefix of every Redis key (default tessera).")
    var redisNamespace: String?

    @Option(name: .customLong("server-key"), help: "Base64 of 32+ bytes signing tokens; shared by the nodes of a cluster.")
    var serverKey: String?

    @Option(name: .customLong("config"), help: "JSON config file for everything else.")
    var config: String?

    var values: [String: ConfigValue] {
        var values: [String: ConfigValue] = [:]
        values["data-dir"] = dataDirectory.map { .init(.string($0), isSecret: false) }
        values["database-url"] = databaseURL.map { .init(.string($0), isSecret: true) }
        values["redis-url"] = redisURL.map { .init(.string($0), isSecret: true) }
        values["redis-namespace"] = redisNamespace.map { .init(.string($0), isSecret: false) }
        values["server-key"] = serverKey.map { .init(.string($0), isSecret: true) }
        values["config"] = config.map { .init(.string($0), isSecret: false) }
        return values
    }
}
