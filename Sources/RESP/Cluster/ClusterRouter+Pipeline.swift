import NIOCore

extension ClusterRouter {
    /// `commands` as one pipeline per primary, the pipelines sent concurrently; what a node
    /// redirects or cannot take then goes on alone through ``send(_:timeout:on:)``, one command
    /// after another.
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
        let sent = try await self.submit(groups: order.map { groups[$0] ?? [] }, to: order, of: commands, timeout: timeout, on: loop)
        for (indices, replies) in zip(order.map { groups[$0] ?? [] }, sent) {
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

    /// Each group as one pipeline to its node, concurrently, so that the whole waits about one
    /// round trip to the slowest primary rather than one round trip per primary. A group whose
    /// node could not be reached answers `nil`: nothing of it was sent.
    nonisolated(nonsending) private func submit(
        groups: [[Int]],
        to nodes: [RedisEndpoint],
        of commands: [RedisCommand],
        timeout: Duration,
        on loop: any EventLoop
    ) async throws -> [PipelineReplies.Results?] {
        @Sendable func send(_ group: Int) async throws -> PipelineReplies.Results? {
            do {
                return try await self.pool(for: nodes[group]).withConnection(on: loop) { connection in
                    try await connection.submit(pipeline: groups[group].map { commands[$0] }, timeout: timeout)
                }
            } catch RedisClientError.connectionUnavailable {
                // The router's retries, command by command, may find the slots' new primary.
                return nil
            }
        }
        if groups.count == 1 { return [try await send(0)] }
        return try await withThrowingTaskGroup(of: (Int, PipelineReplies.Results?).self) { tasks in
            for group in groups.indices {
                tasks.addTask { (group, try await send(group)) }
            }
            var sent = [PipelineReplies.Results?](repeating: nil, count: groups.count)
            for try await (group, replies) in tasks { sent[group] = replies }
            return sent
        }
    }

    /// Whether the node answered that another node serves the command's slot, or not now.
    private static func needsRouting(_ outcome: Result<RESPValue, RedisClientError>) -> Bool {
        guard case .failure(.server(let message)) = outcome else { return false }
        return ["MOVED ", "ASK ", "TRYAGAIN", "CLUSTERDOWN"].contains { message.hasPrefix($0) }
    }
}
