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
