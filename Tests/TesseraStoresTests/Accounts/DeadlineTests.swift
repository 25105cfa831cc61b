import Synchronization
import Testing

@testable import TesseraStores

@Suite("A database operation's deadline")
struct DeadlineTests {
    @Test("an operation that ends in time gives its result")
    func result() async throws {
        let value = try await Deadline(timeout: .seconds(60)).run { 42 }
        #expect(value == 42)
    }

    @Test("an operation's own error reaches the caller unchanged")
    func operationError() async throws {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await Deadline(timeout: .seconds(60)).run { () async throws -> Int in throw Refused() }
        }
    }

    /// A query postgres-nio has written cannot be cancelled; if its connection is lost
    /// without a word it never ends. The caller must get its answer anyway.
    @Test("the caller gets Exceeded while an operation that ignores cancellation still runs")
    func ignoresCancellation() async throws {
        let gate = Gate()
        let watchdog = gate.opening(after: .seconds(10))
        defer { watchdog.cancel() }
        let timeout = Duration.milliseconds(50)
        do {
            _ = try await Deadline(timeout: timeout).run {
                await gate.wait()
                return 1
            }
            Issue.record("the operation's result came back although it was still waiting")
        } catch let error as Deadline.Exceeded {
            #expect(error.timeout == timeout)
        }
        #expect(gate.isOpen == false, "the deadline waited for the operation to end")
        gate.open()
    }

    @Test("the operation is cancelled when the deadline passes")
    func cancelsTheOperation() async throws {
        let sawCancellation = Gate()
        await #expect(throws: Deadline.Exceeded.self) {
            try await Deadline(timeout: .milliseconds(20)).run {
                // Sleeps until cancelled; a full hour would mean it never was.
                try? await Task.sleep(for: .seconds(3600))
                if Task.isCancelled { sawCancellation.open() }
                return 0
            }
        }
        await sawCancellation.wait()
        #expect(sawCancellation.isOpen)
    }

    @Test("a cancelled caller stops waiting at once, without the deadline or the operation")
    func callerCancelled() async throws {
        let gate = Gate()
        let watchdog = gate.opening(after: .seconds(10))
        defer { watchdog.cancel() }
        let caller = Task {
            try await Deadline(timeout: .seconds(3600)).run {
                await gate.wait()
                return 1
            }
        }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(gate.isOpen == false)
        gate.open()
    }
}

/// Opens once; `wait()` returns when it is open, whether or not the waiter is cancelled.
private final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    var isOpen: Bool { state.withLock { $0.open } }

    /// Opens the gate after `delay` unless cancelled first: a bound so that a deadline which
    /// waits for its operation fails its test instead of hanging it.
    func opening(after delay: Duration) -> Task<Void, Never> {
        Task {
            guard (try? await Task.sleep(for: delay)) != nil else { return }
            self.open()
        }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
