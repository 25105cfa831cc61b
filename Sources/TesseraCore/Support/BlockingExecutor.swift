/// Runs CPU-heavy work (password hashing) away from the callers' event loops.
/// The server supplies one backed by a thread pool; tests may run inline.
public protocol BlockingExecutor: Sendable {
    func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result
}

/// Runs work on the calling task; for tests and command-line tools.
public struct InlineExecutor: BlockingExecutor {
    public init() {}
    public func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try work()
    }
}
