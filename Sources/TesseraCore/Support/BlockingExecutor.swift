/// Runs CPU-heavy work (password hashing) away from the callers' event loops.
/// The server supplies one backed by NIO's thread pool.
public protocol BlockingExecutor: Sendable {
    func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result
}
