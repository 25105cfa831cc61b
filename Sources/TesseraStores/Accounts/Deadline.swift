/// A bound on how long a database operation may take before it counts as unavailable.
///
/// postgres-nio waits up to a minute for a server that refuses connections before it
/// fails a request; a login should get its 503 sooner. Waiting for a pooled connection
/// ends as soon as the deadline passes; a query already sent runs to its end.
struct Deadline: Sendable {
    struct Exceeded: Error {
        var timeout: Duration
    }

    var timeout: Duration

    func run<Result: Sendable>(_ operation: @escaping @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Result.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Exceeded(timeout: timeout)
            }
            defer { group.cancelAll() }
            // The group has two tasks, so next() has a first result or error.
            return try await group.next()!
        }
    }
}
