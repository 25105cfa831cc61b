extension RedisClient {
    /// Sends `commands` back to back on one connection and waits once for all their replies, in the
    /// commands' order: one round trip, and one task resumption, for the lot.
    ///
    /// Each command has its own outcome; an error reply, such as `WRONGTYPE`, fails that command
    /// only. The pipeline is not a transaction: other clients' commands may run between its
    /// commands on the server. On a cluster the commands are grouped by the primary serving their
    /// keys, one pipeline per primary, sent concurrently; a command redirected by `MOVED`
    /// or `ASK`, or whose node could not be reached, goes on alone as ``send(_:)`` would send it,
    /// and a command whose keys span slots fails with ``RedisClientError/crossSlot(_:)``.
    ///
    /// ```swift
    /// let replies = try await client.pipeline((1...16).map { RedisCommand(["GET", "item:\($0)"]) })
    /// let first = try replies[0].get().string
    /// ```
    ///
    /// - Throws: ``RedisClientError`` when nothing could be sent (no connection to the server, the
    ///   client closed), and `CancellationError`; a connection lost once the pipeline was written
    ///   fails each unanswered command in the results instead.
    nonisolated(nonsending) public func pipeline(_ commands: [RedisCommand]) async throws -> [Result<RESPValue, RedisClientError>] {
        let loop = self.eventLoopGroup.any()
        let timeout = self.configuration.commandTimeout
        switch try await self.currentTopology(on: loop) {
        case .standalone:
            let results = try await self.pool.withConnection(on: loop) { try await $0.submit(pipeline: commands, timeout: timeout) }
            return results.map(RedisConnection.outcome)
        case .cluster(let router):
            return try await router.pipeline(commands, timeout: timeout, on: loop)
        case .sentinel(let router):
            return try await router.pipeline(commands, timeout: timeout, on: loop)
        }
    }
}
