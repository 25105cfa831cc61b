/// One numbered step of a schema, applied once per database inside a transaction and
/// recorded in `tessera_migrations` under its component's name.
struct SchemaMigration: Sendable {
    var version: Int
    var name: String
    /// Run one by one: both drivers prepare a single statement at a time.
    var statements: [String]
}
