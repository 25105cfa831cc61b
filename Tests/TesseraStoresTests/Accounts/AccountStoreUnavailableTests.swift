import Foundation
import TesseraCore
import TesseraStores
import Testing

@Suite("Account stores that cannot reach their database")
struct AccountStoreUnavailableTests {
    @Test("PostgreSQL refusing connections is unavailable within the timeout")
    func postgresRefused() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        // Port 1 on loopback has no listener: every connection attempt is refused at once.
        await #expect {
            _ = try await PostgresAccountStore(
                url: "postgres://tessera@127.0.0.1:1/tessera?sslmode=disable", timeout: .seconds(2))
        } throws: { error in
            if case .unavailable = error as? AccountStoreError { return true }
            return false
        }
        #expect(clock.now - started < .seconds(10))
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
