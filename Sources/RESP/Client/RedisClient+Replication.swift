extension RedisClient {
    /// Sends `command`, then `WAIT replicas <timeout>` on the same connection, and returns the
    /// reply with the number of replicas that acknowledged the write.
    ///
    /// Use it for a write that must survive the loss of its primary, such as revoking a session:
    /// after a failover, a replica promoted without the write would bring back what it undid. When
    /// the primary has no replica (a lone Redis, or a shard whose replicas are all down) no `WAIT`
    /// is sent, as it could only time out, and `acknowledgements` is `nil`. On a cluster the
    /// replicas are counted from the slot map; otherwise `INFO replication` is asked first.
    ///
    /// ```swift
    /// let (reply, acknowledgements) = try await client.send(RedisCommand(["DEL", "session:1"]), acknowledgedBy: 1, within: .seconds(1))
    /// if let acknowledgements, acknowledgements < 1 { /* only the primary has it */ }
    /// ```
    ///
    /// `WAIT` holds the connection, so commands pipelined behind it wait as long as it does.
    nonisolated(nonsending) public func send(
        _ command: RedisCommand,
        acknowledgedBy replicas: Int,
        within timeout: Duration
    ) async throws -> (reply: RESPValue, acknowledgements: Int?) {
        let loop = self.eventLoopGroup.any()
        switch try await self.currentTopology(on: loop) {
        case .cluster(let router):
            return try await router.send(command, acknowledgedBy: replicas, within: timeout, on: loop)
        case .sentinel(let router):
            return try await router.send(command, acknowledgedBy: replicas, within: timeout, on: loop)
        case .standalone:
            let commandTimeout = self.configuration.commandTimeout
            return try await self.pool.withConnection(on: loop) { connection in
                let info = try await connection.submit(RedisCommand(["INFO", "replication"]), timeout: commandTimeout)
                guard Self.connectedReplicas(info) > 0 else {
                    return (try await connection.submit(command, timeout: commandTimeout), nil)
                }
                return try await Self.sendWaiting(command, replicas: replicas, within: timeout, on: connection, commandTimeout: commandTimeout)
            }
        }
    }

    /// `command` and `WAIT` as one batch on `connection`.
    nonisolated(nonsending) static func sendWaiting(
        _ command: RedisCommand,
        replicas: Int,
        within timeout: Duration,
        asking: Bool = false,
        on connection: RedisConnection,
        commandTimeout: Duration
    ) async throws -> (reply: RESPValue, acknowledgements: Int?) {
        let milliseconds = max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let wait = RedisCommand(["WAIT", String(replicas), String(milliseconds)])
        let batch = (asking ? [RedisCommand(["ASKING"])] : []) + [command, wait]
        let results = await connection.sendBatch(batch, timeout: commandTimeout + timeout)
        if asking { _ = try results[0].get() }
        let reply = try results[results.count - 2].get()
        guard let acknowledgements = try results[results.count - 1].get().int else {
            throw RedisClientError.protocolError("WAIT answered with something other than an integer")
        }
        return (reply, acknowledgements)
    }

    /// `connected_slaves` of an `INFO replication` reply.
    static func connectedReplicas(_ info: RESPValue) -> Int {
        let text = info.string ?? ""
        let line = text.split(whereSeparator: \.isNewline).first { $0.hasPrefix("connected_slaves:") }
        return line.flatMap { Int($0.dropFirst("connected_slaves:".count).trimmingPrefix(while: \.isWhitespace)) } ?? 0
    }
}
