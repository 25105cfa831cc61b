import TesseraCore
import Testing

@testable import TesseraStores

@Suite("PostgreSQL URL")
struct PostgresURLTests {
    @Test("user, password, host, port and database are read, percent-decoded")
    func fullURL() throws {
        let configuration = try PostgresURL.configuration(
            from: "postgres://tessera:p%40ss%3Aword@db.internal:6543/accounts?sslmode=disable")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "tessera")
        #expect(configuration.password == "p@ss:word")
        #expect(configuration.database == "accounts")
    }

    @Test("postgresql:// works too, and the port defaults to 5432")
    func defaults() throws {
        let configuration = try PostgresURL.configuration(from: "postgresql://postgres@127.0.0.1/")
        #expect(configuration.port == 5432)
        #expect(configuration.password == nil)
        #expect(configuration.database == nil)
    }

    @Test(
        "anything else is refused with a message",
        arguments: [
            "", "localhost:5432", "mysql://u@h/db", "postgres://h/db", "postgres://u@/db",
            "postgres://u@h/db?sslmode=sometimes", "postgres://u@h/db?sslrootcert=/etc/ca.pem",
        ])
    func refused(url: String) {
        #expect(throws: AccountStoreError.self) { try PostgresURL.configuration(from: url) }
    }
}
