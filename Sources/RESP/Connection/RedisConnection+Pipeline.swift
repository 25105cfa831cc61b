extension RedisConnection {
    /// Sends `commands` back to back and waits once for all their replies, in the commands' order.
    ///
    /// Each command has its own outcome: an error reply fails that command only. The commands are
    /// written together, so no other caller's command comes between them, but they are not a
    /// transaction: each runs on its own, as Redis receives it.
    ///
    /// ```swift
    /// let replies = try await connection.pipeline([RedisCommand(["INCR", "hits"]), RedisCommand(["GET", "motd"])], timeout: .seconds(1))
    /// let hits = try replies[0].get().int
    /// ```
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled; nothing else, as every
    ///   failure, that of the connection included, is one of the results.
    nonisolated(nonsending) public func pipeline(
        _ commands: [RedisCommand],
        timeout: Duration
    ) async throws -> [Result<RESPValue, RedisClientError>] {
        try await self.submit(pipeline: commands, timeout: timeout).map(Self.outcome)
    }

    /// ``pipeline(_:timeout:)``, except that a pipeline the connection failed before sending fails
    /// with ``UnsentCommand``, for the pool to send again on a fresh connection. A pipeline is
    /// encoded in one event-loop task, so it leaves whole or not at all.
    nonisolated(nonsending) func submit(
        pipeline commands: [RedisCommand],
        timeout: Duration
    ) async throws -> PipelineReplies.Results {
        guard !commands.isEmpty else { return [] }
        guard commands.allSatisfy({ $0.count > 0 }) else { throw Self.emptyCommand }
        try Task.checkCancellation()
        let id = self.nextCommandID()
        let commands = commands
        let handler = self.commands
        let eventLoop = self.channel.eventLoop
        let results = try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<PipelineReplies.Results, any Error>) in
                let replies = PipelineReplies(count: commands.count, continuation: continuation)
                if eventLoop.inEventLoop {
                    handler.value.enqueue(pipeline: commands, timeout: timeout, id: id, replies: replies)
                } else {
                    eventLoop.execute { handler.value.enqueue(pipeline: commands, timeout: timeout, id: id, replies: replies) }
                }
            }
        } onCancel: {
            eventLoop.execute { handler.value.cancel(id) }
        }
        if case .failure(let unsent as UnsentCommand) = results[0] { throw unsent }
        return results
    }

    /// A command's outcome as callers of the library see it.
    static func outcome(_ result: Result<RESPValue, any Error>) -> Result<RESPValue, RedisClientError> {
        result.mapError { error in
            switch error {
            case let error as RedisClientError: error
            case let unsent as UnsentCommand: unsent.cause
            default: RedisClientError.connectionUnavailable("\(error)")
            }
        }
    }
}
