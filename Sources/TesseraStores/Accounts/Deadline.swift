import Synchronization

/// A bound on how long a database operation may take before it counts as unavailable.
///
/// The caller gets its answer when the operation ends or when the deadline passes, whichever
/// comes first; it never waits for an operation that ignores cancellation. postgres-nio waits
/// up to a minute for a server that refuses connections, and a query it has already written
/// is not cancellable: should the connection under it be lost without a word (a server
/// stopped at the wrong instant), that query may never end. A login must still get its 503
/// in time, and a node must still shut down.
///
/// When the deadline passes, the operation is cancelled and left to end on its own; what it
/// returns or throws then is dropped.
struct Deadline: Sendable {
    struct Exceeded: Error {
        var timeout: Duration
    }

    var timeout: Duration

    func run<Result: Sendable>(_ operation: @escaping @Sendable () async throws -> Result) async throws -> Result {
        let race = Race<Result>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation, operation: operation, timeout: timeout)
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }
}

/// The operation against the clock (and the caller's cancellation): the first to finish
/// resumes the caller, exactly once, and cancels the others.
private final class Race<Result: Sendable>: Sendable {
    private enum State {
        case waiting
        case running(CheckedContinuation<Result, any Error>, tasks: [Task<Void, Never>])
        /// Finished before it started: the caller was cancelled before the continuation existed.
        case finished(Swift.Result<Result, any Error>)
        case done
    }

    private let state = Mutex(State.waiting)

    func start(
        _ continuation: CheckedContinuation<Result, any Error>,
        operation: @escaping @Sendable () async throws -> Result, timeout: Duration
    ) {
        let early: Swift.Result<Result, any Error>? = state.withLock { state in
            guard case .finished(let result) = state else { return nil }
            state = .done
            return result
        }
        if let early {
            continuation.resume(with: early)
            return
        }
        let work = Task {
            do {
                self.finish(.success(try await operation()))
            } catch {
                self.finish(.failure(error))
            }
        }
        let clock = Task {
            // Cancelled when the operation ends first; only a full sleep counts as the deadline.
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.finish(.failure(Deadline.Exceeded(timeout: timeout)))
        }
        let settled: Swift.Result<Result, any Error>? = state.withLock { state in
            switch state {
            case .waiting:
                state = .running(continuation, tasks: [work, clock])
                return nil
            case .finished(let result):
                // Both tasks may already have raced to here; the first result stands.
                state = .done
                return result
            case .running, .done:
                preconditionFailure("a deadline's race started twice")
            }
        }
        if let settled {
            work.cancel()
            clock.cancel()
            continuation.resume(with: settled)
        }
    }

    func finish(_ result: Swift.Result<Result, any Error>) {
        let winner: (CheckedContinuation<Result, any Error>, [Task<Void, Never>])? = state.withLock { state in
            switch state {
            case .waiting:
                state = .finished(result)
                return nil
            case .running(let continuation, let tasks):
                state = .done
                return (continuation, tasks)
            case .finished, .done:
                return nil
            }
        }
        guard let (continuation, tasks) = winner else { return }
        for task in tasks { task.cancel() }
        continuation.resume(with: result)
    }
}
