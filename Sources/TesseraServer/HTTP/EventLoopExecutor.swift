import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// Each HTTP connection's task prefers its channel's loop (see ``EventSocketChannel``), so a
/// request is read, handled and answered on one thread, and the Redis client uses that
/// loop's own connection (RESP's pool keeps one per loop): a session check never hops
/// between threads.
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
