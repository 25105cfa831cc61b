/// The replies of one pipeline, gathered as they arrive and handed to the caller together: one
/// task resumption for the whole pipeline instead of one per command.
///
/// Only the connection's event loop touches it once the pipeline is enqueued, and the caller reads
/// the results only after that loop resumed it, so it needs no lock.
final class PipelineReplies: @unchecked Sendable {
    typealias Results = [Result<RESPValue, any Error>]

    private var results: Results
    private var remaining: Int
    private var continuation: UnsafeContinuation<Results, any Error>?

    init(count: Int, continuation: UnsafeContinuation<Results, any Error>) {
        self.results = Array(repeating: .success(.null), count: count)
        self.remaining = count
        self.continuation = continuation
    }

    func complete(_ index: Int, with result: Result<RESPValue, any Error>) {
        self.results[index] = result
        self.remaining -= 1
        if self.remaining == 0, let continuation = self.continuation.take() {
            continuation.resume(returning: self.results)
        }
    }

    /// The caller stopped waiting: it gets a `CancellationError` now, and later replies are dropped.
    func abandon() {
        self.continuation.take()?.resume(throwing: CancellationError())
    }
}
