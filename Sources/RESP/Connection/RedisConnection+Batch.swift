import NIOCore

extension RedisConnection {
    /// Sends `commands` back to back, written in one event-loop task so that no command of another
    /// caller pipelined on this connection comes between them, and returns each one's outcome.
    ///
    /// This is what `ASKING` needs (it applies to the next command of the connection only) and what
    /// `WAIT` needs (it counts the replicas that have the connection's earlier writes).
    nonisolated(nonsending) func sendBatch(_ commands: [RedisCommand], timeout: Duration) async -> [Result<RESPValue, any Error>] {
        let channel = self.channel
        let replies = commands.map { _ in channel.eventLoop.makePromise(of: RESPValue.self) }
        channel.eventLoop.execute {
            for (command, reply) in zip(commands, replies) {
                Self.write(command, timeout: timeout, replyingTo: reply, on: channel)
            }
        }
        var results: [Result<RESPValue, any Error>] = []
        for reply in replies {
            do {
                results.append(.success(try await reply.futureResult.get()))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    /// Sends `ASKING` and then `command` as one batch.
    nonisolated(nonsending) func sendAsking(_ command: RedisCommand, timeout: Duration) async throws -> RESPValue {
        let results = await self.sendBatch([RedisCommand(["ASKING"]), command], timeout: timeout)
        _ = try results[0].get()
        return try results[1].get()
    }
}
