import Logging
import NIOPosix
import SQLiteNIO
import TesseraCore

/// A few connections to one SQLite file, each lent to one operation at a time.
///
/// sqlite-nio lets many threads use one connection, but SQLite keeps the last error message
/// per connection: two statements failing at once could read each other's message, and
/// the message is how a unique violation names its column. Exclusive leases avoid that,
/// and WAL mode still lets readers on other connections run beside a writer.
///
/// SQLite's calls block their thread, waiting on another connection's lock among them, so
/// the pool runs its connections on threads of its own, one per connection. On NIO's shared
/// pool a connection waiting for the write lock could hold the thread the lock's holder
/// needs for its next statement, or queue behind password hashing, until the wait ran out.
actor SQLiteConnectionPool {
    /// How long a connection waits for another process's (or connection's) write lock.
    static let busyTimeoutMilliseconds = 5000

    private let path: String
    private let maximumConnections: Int
    private let logger: Logger
    private var idle: [SQLiteConnection] = []
    private var openCount = 0
    private var waiting: [CheckedContinuation<SQLiteConnection, any Error>] = []
    private var isClosed = false
    private let threads: NIOThreadPool

    init(path: String, maximumConnections: Int, logger: Logger) {
        self.path = path
        self.maximumConnections = maximumConnections
        self.logger = logger
        self.threads = NIOThreadPool(numberOfThreads: maximumConnections)
        threads.start()
    }

    func lease() async throws -> SQLiteConnection {
        if isClosed { throw AccountStoreError.unavailable("the SQLite account store is closed") }
        if let connection = idle.popLast() { return connection }
        guard openCount < maximumConnections else {
            return try await withCheckedThrowingContinuation { waiting.append($0) }
        }
        openCount += 1
        let connection: SQLiteConnection
        do {
            connection = try await open()
        } catch {
            openCount -= 1
            await stopThreadsIfUnused()
            throw error
        }
        if isClosed {
            await retire(connection)
            throw AccountStoreError.unavailable("the SQLite account store is closed")
        }
        return connection
    }

    func release(_ connection: SQLiteConnection) async {
        if isClosed {
            await retire(connection)
        } else if !waiting.isEmpty {
            waiting.removeFirst().resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Connections on lease are closed when they come back.
    func close() async {
        isClosed = true
        for waiter in waiting {
            waiter.resume(throwing: AccountStoreError.unavailable("the SQLite account store is closed"))
        }
        waiting.removeAll()
        let connections = idle
        idle.removeAll()
        for connection in connections {
            await retire(connection)
        }
        await stopThreadsIfUnused()
    }

    /// Closes a connection of a closed pool; the last one closed stops the threads.
    private func retire(_ connection: SQLiteConnection) async {
        try? await connection.close()
        openCount -= 1
        await stopThreadsIfUnused()
    }

    private func stopThreadsIfUnused() async {
        guard isClosed, openCount == 0 else { return }
        try? await threads.shutdownGracefully()
    }

    /// sqlite-nio installs a busy handler that retries at once and forever; a busy timeout
    /// replaces it with SQLite's own sleeping retries and a limit, after which the
    /// operation fails as unavailable instead of hanging.
    private func open() async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: threads, logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any())
        do {
            _ = try await connection.query("PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)")
            return connection
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
