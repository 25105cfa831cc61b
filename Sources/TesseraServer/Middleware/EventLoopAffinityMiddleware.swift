import Hummingbird
import NIOCore

/// Runs the rest of the request on the event loop that owns its connection.
///
/// Hummingbird runs handlers on Swift's global executor; every store call then hops from
/// there to the Redis connection's loop and back, and the response hops to the HTTP
/// connection's loop. Preferring the request's own loop lets the Redis client use that
/// loop's connection (RESP's pool keeps one per loop), so a session check stays on one
/// thread. Blocking work never runs here: password hashing goes to the thread pool.
struct EventLoopAffinityMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let eventLoop = context.eventLoop else { return try await next(request, context) }
        return try await withTaskExecutorPreference(EventLoopExecutor(eventLoop)) {
            try await next(request, context)
        }
    }
}

/// A task executor that runs jobs on one NIO event loop.
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
