import Foundation
import TesseraCore
import TesseraStores
import Testing

@Suite("Account stores that cannot reach their database")
struct AccountStoreUnavailableTests {
    // The time limit only guards against a hang (the store must give up, not retry forever);
    // how fast it gives up is not this test's business.
    @Test("PostgreSQL refusing connections is unavailable, not waited for forever", .timeLimit(.minutes(1)))
    func postgresRefused() async throws {
        // Port 1 on loopback has no listener: every connection attempt is refused at once.
        await #expect {
            _ = try await PostgresAccountStore(
                url: "postgres://tessera@127.0.0.1:1/tessera?sslmode=disable", timeout: .seconds(2))
        } throws: { error in
            if case .unavailable = error as? AccountStoreError { return true }
            return false
        }
    }

    @Test("an SQLite path that cannot be created is unavailable")
    func sqliteUnwritable() async throws {
        await #expect {
            _ = try await SQLiteAccountStore(path: "/dev/null/accounts/tessera.sqlite")
        } throws: { error in
            if case .unavailable = error as? AccountStoreError { return true }
            return false
        }
    }
}
