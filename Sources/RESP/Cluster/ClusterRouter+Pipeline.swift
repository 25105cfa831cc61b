import NIOCore

extension ClusterRouter {
    /// `commands` as one pipeline per primary, in the order the primaries are first named; what a
    /// node redirects or cannot take goes on alone through ``send(_:timeout:on:)``.
    nonisolated(nonsending) func pipeline(
        _ commands: [RedisCommand],
        timeout: Duration,
        on loop: any EventLoop
    ) async throws -> [Result<RESPValue, RedisClientError>] {
        var results = [Result<RESPValue, RedisClientError>](repeating: .success(.null), count: commands.count)
        var order: [RedisEndpoint] = []
        var groups: [RedisEndpoint: [Int]] = [:]
        for (index, command) in commands.enumerated() {
            do {
                let node = self.node(serving: try CommandKeys.slot(of: command))
                if groups[node] == nil { order.append(node) }
                groups[node, default: []].append(index)
            } catch let error as RedisClientError {
                results[index] = .failure(error)
            }
        }
        for node in order {
            let indices = groups[node] ?? []
            let replies: PipelineReplies.Results?
            do {
                replies = try await self.pool(for: node).withConnection(on: loop) { connection in
                    try await connection.submit(pipeline: indices.map { commands[$0] }, timeout: timeout)
                }
            } catch RedisClientError.connectionUnavailable {
                // Nothing of this group was sent: the router's retries may find the slots' new primary.
                replies = nil
            }
            // Once routing one command alone has used up its retries on an unreachable cluster,
            // the others fail with it rather than each waiting through the same retries.
            var unreachable: RedisClientError?
            for (position, index) in indices.enumerated() {
                let outcome = replies.map { RedisConnection.outcome($0[position]) }
                if let outcome, !Self.needsRouting(outcome) {
                    results[index] = outcome
                } else if let unreachable {
                    results[index] = .failure(unreachable)
                } else {
                    do {
                        results[index] = .success(try await self.send(commands[index], timeout: timeout, on: loop))
                    } catch let error as RedisClientError {
                        results[index] = .failure(error)
                        if case .connectionUnavailable = error { unreachable = error }
                    }
                }
            }
        }
        return results
    }

    /// Whether the node answered that another node serves the command's slot, or not now.
    private static func needsRouting(_ outcome: Result<RESPValue, RedisClientError>) -> Bool {
        guard case .failure(.server(let message)) = outcome else { return false }
        return ["MOVED ", "ASK ", "TRYAGAIN", "CLUSTERDOWN"].contains { message.hasPrefix($0) }
    }
}
