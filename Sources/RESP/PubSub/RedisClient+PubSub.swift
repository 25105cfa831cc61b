import NIOCore

extension RedisClient {
    /// Messages published to `channels` from now on, re-subscribing by itself after a reconnect.
    ///
    /// Returns once the server confirmed every channel, so a message published after this call
    /// returns is received. Subscriptions of one client share one dedicated connection, never a
    /// pooled one.
    ///
    /// ```swift
    /// let subscription = try await client.subscribe(to: ["news"])
    /// try await client.publish(ByteBuffer(string: "hello"), to: "news")
    /// for try await message in subscription { print(String(buffer: message.payload)) }
    /// ```
    ///
    /// - Throws: ``RedisClientError/connectionUnavailable(_:)`` or ``RedisClientError/timeout`` when
    ///   the server cannot be reached, ``RedisClientError/server(_:)`` when it refuses the subscription.
    nonisolated(nonsending) public func subscribe(to channels: [String]) async throws -> RedisSubscription {
        guard !channels.isEmpty else { throw RedisClientError.protocolError("subscribe needs at least one channel") }
        let (messages, continuation) = AsyncThrowingStream.makeStream(
            of: RedisPubSubMessage.self,
            bufferingPolicy: .bufferingOldest(max(1, self.configuration.subscriptionBufferSize))
        )
        let link = self.subscriberLink
        let id = try await link.add(Set(channels), continuation: continuation)
        return RedisSubscription(channels: channels, messages: messages, continuation: continuation) {
            link.remove(id)
        }
    }

    /// Publishes `payload` to `channel`.
    ///
    /// - Returns: how many subscribers received it (on a cluster: of that shard).
    @discardableResult
    nonisolated(nonsending) public func publish(_ payload: ByteBuffer, to channel: String) async throws -> Int {
        let reply = try await self.send(RedisCommand([ByteBuffer(string: "PUBLISH"), ByteBuffer(string: channel), payload]))
        guard let receivers = reply.int else {
            throw RedisClientError.protocolError("PUBLISH answered with something other than an integer")
        }
        return receivers
    }
}
