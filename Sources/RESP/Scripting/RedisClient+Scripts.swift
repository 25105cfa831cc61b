extension RedisClient {
    /// Runs `script` with `EVALSHA`. When the server answers `NOSCRIPT` (first use, after a restart,
    /// failover or `SCRIPT FLUSH`) it runs the script once more with `EVAL`, which also stores it for
    /// the next call. `EVAL` rather than `SCRIPT LOAD` keeps the retry routed by the script's keys.
    ///
    /// ```swift
    /// let count = try await client.run(RedisScript("return #KEYS"), keys: ["a", "b"], arguments: []).int
    /// ```
    @discardableResult
    nonisolated(nonsending) public func run(
        _ script: RedisScript,
        keys: [String],
        arguments: [String]
    ) async throws -> RESPValue {
        let tail = [String(keys.count)] + keys + arguments
        do {
            return try await self.send(RedisCommand(["EVALSHA", script.sha1] + tail))
        } catch RedisClientError.server(let message) where message.hasPrefix("NOSCRIPT") {
            return try await self.send(RedisCommand(["EVAL", script.source] + tail))
        }
    }
}

extension RedisClient {
    /// Runs `script` like ``run(_:keys:arguments:)``, then waits for `replicas` replicas to
    /// acknowledge its writes, as ``send(_:acknowledgedBy:within:)`` does.
    ///
    /// ```swift
    /// let (reply, acknowledgements) = try await client.run(revoke, keys: ["{u:1}:s:9"], arguments: [], acknowledgedBy: 1, within: .seconds(1))
    /// ```
    nonisolated(nonsending) public func run(
        _ script: RedisScript,
        keys: [String],
        arguments: [String],
        acknowledgedBy replicas: Int,
        within timeout: Duration
    ) async throws -> (reply: RESPValue, acknowledgements: Int?) {
        let tail = [String(keys.count)] + keys + arguments
        do {
            return try await self.send(RedisCommand(["EVALSHA", script.sha1] + tail), acknowledgedBy: replicas, within: timeout)
        } catch RedisClientError.server(let message) where message.hasPrefix("NOSCRIPT") {
            return try await self.send(RedisCommand(["EVAL", script.source] + tail), acknowledgedBy: replicas, within: timeout)
        }
    }
}
