import NIOCore

extension RedisConnection {
    /// Sends `ASKING` and then `command`, written in the same event-loop task so that no command of
    /// another caller pipelined on this connection can come between them and take the `ASKING`.
    nonisolated(nonsending) func sendAsking(_ command: RedisCommand, timeout: Duration) async throws -> RESPValue {
        let channel = self.channel
        let asking = channel.eventLoop.makePromise(of: RESPValue.self)
        let reply = channel.eventLoop.makePromise(of: RESPValue.self)
        channel.eventLoop.execute {
            Self.write(RedisCommand(["ASKING"]), timeout: timeout, replyingTo: asking, on: channel)
            Self.write(command, timeout: timeout, replyingTo: reply, on: channel)
        }
        _ = try await asking.futureResult.get()
        return try await reply.futureResult.get()
    }
}
