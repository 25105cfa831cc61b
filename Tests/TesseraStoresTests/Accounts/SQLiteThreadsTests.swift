import Dispatch
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import TesseraCore
import TesseraStores
import Testing

@Suite("The SQLite account store's threads")
struct SQLiteThreadsTests {
    /// SQLite's calls block their thread. On NIO's shared pool, which password hashing and
    /// other libraries use too, a connection waiting for the write lock could hold the thread
    /// the lock's holder needed next; the store's own threads keep it out of that queue.
    @Test("the store opens, writes and reads while every thread of NIO's shared pool is taken")
    func answersBesideATakenSharedPool() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-threads-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let shared = NIOThreadPool.singleton
        let threads = NIOSingletons.blockingPoolThreadCountSuggestion
        let counts = Counts()
        let release = DispatchSemaphore(value: 0)
        var occupants: [Task<Void, any Error>] = []
        for _ in 0..<threads {
            occupants.append(
                Task {
                    try await shared.runIfActive {
                        counts.started.add(1, ordering: .sequentiallyConsistent)
                        // A bound so a failing run ends instead of hanging.
                        _ = release.wait(timeout: .now() + 30)
                        counts.finished.add(1, ordering: .sequentiallyConsistent)
                    }
                })
        }
        while counts.started.load(ordering: .sequentiallyConsistent) < threads {
            try await Task.sleep(for: .milliseconds(10))
        }

        let store = try await SQLiteAccountStore(path: folder.appendingPathComponent("accounts.sqlite").path)
        let created = try await store.create(NewAccount(username: "beside-the-pool", passwordHash: nil))
        let found = try await store.find(.username("beside-the-pool"))
        let stillTaken = counts.finished.load(ordering: .sequentiallyConsistent) == 0

        for _ in 0..<threads { release.signal() }
        for occupant in occupants { try await occupant.value }
        try await store.close()
        #expect(found?.id == created.id)
        #expect(stillTaken, "the store waited for NIO's shared pool")
    }
}

private final class Counts: Sendable {
    let started = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
}
