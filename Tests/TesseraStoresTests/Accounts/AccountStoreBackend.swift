import Foundation
import Logging
import Synchronization
import TesseraCore
import TesseraStores
import Testing

/// The account store implementations the contract suite runs against, each on a database
/// of the test's own (SQLite) or with identifiers of its own (PostgreSQL).
///
/// PostgreSQL runs when ``TestServers`` names a database or requires one; the contract tests
/// take their arguments from ``available``.
enum AccountStoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var available: [AccountStoreBackend] { TestServers.postgresEnabled ? allCases : [.sqlite] }

    var testDescription: String { rawValue }

    static let logger = Logger(label: "tessera.tests.accounts")

    /// Runs `body` with a function that opens a store on this test's database; every store
    /// it opened is closed afterwards.
    func withDatabase(
        _ body: (_ open: @escaping @Sendable () async throws -> any AccountStore) async throws -> Void
    ) async throws {
        let opened = OpenedStores()
        let location = try makeLocation()
        defer { location.cleanUp() }
        do {
            try await body {
                let store = try await location.open()
                opened.append(store)
                return store
            }
        } catch {
            await opened.closeAll()
            throw error
        }
        await opened.closeAll()
    }

    func withStore(_ body: (any AccountStore) async throws -> Void) async throws {
        try await withDatabase { open async throws in try await body(try await open()) }
    }

    private func makeLocation() throws -> Location {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("tessera-accounts-\(UUID().uuidString)")
            // A folder that does not exist yet: the store must create it.
            let path = folder.appendingPathComponent("data/accounts.sqlite").path
            return Location(
                open: { try await SQLiteAccountStore(path: path, logger: Self.logger) },
                cleanUp: { try? FileManager.default.removeItem(at: folder) })
        case .postgres:
            let url = try TestServers.requireDatabaseURL()
            return Location(open: { try await PostgresAccountStore(url: url, logger: Self.logger) }, cleanUp: {})
        }
    }

    private struct Location: Sendable {
        var open: @Sendable () async throws -> any AccountStore
        var cleanUp: @Sendable () -> Void
    }
}

/// Stores a test opened, to be closed however the test ends.
private final class OpenedStores: Sendable {
    private let stores = Mutex<[any AccountStore]>([])

    func append(_ store: any AccountStore) { stores.withLock { $0.append(store) } }

    func closeAll() async {
        let opened = stores.withLock { stores in
            defer { stores.removeAll() }
            return stores
        }
        for store in opened { try? await store.close() }
    }
}

/// Identifiers no other test uses, so suites can share one PostgreSQL database.
struct UniqueTag {
    let value = String((0..<12).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! })
    /// Nine digits for phone numbers.
    let digits = String((0..<9).map { _ in "0123456789".randomElement()! })
}
