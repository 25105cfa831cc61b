import NIOCore

extension RedisClient {
    /// Messages published to `channels` from now on, re-subscribing by itself after a reconnect.
    ///
    /// Returns once the server confirmed every channel, so a message published after this call
    /// returns is received. Subscriptions of one client share one dedicated connection, never a
    /// pooled one. On a cluster they use sharded pub/sub (`SSUBSCRIBE`), with one connection per
    /// slot subscribed that follows the slot to its primary after a failover.
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
        var joined: [(SubscriberLink, UInt64)] = []
        do {
            for (link, group) in try await self.subscriberLinks(for: channels) {
                joined.append((link, try await link.add(group, continuation: continuation)))
            }
        } catch {
            for (link, id) in joined { link.remove(id) }
            throw error
        }
        let links = joined
        return RedisSubscription(channels: channels, messages: messages, continuation: continuation) {
            for (link, id) in links { link.remove(id) }
        }
    }

    /// The connections that carry `channels`: the client's one, on a cluster one per slot, and under
    /// Sentinel one that follows the primary.
    nonisolated(nonsending) private func subscriberLinks(for channels: [String]) async throws -> [(SubscriberLink, Set<String>)] {
        switch try await self.currentTopology(on: self.eventLoopGroup.any()) {
        case .standalone:
            return [(self.subscriberLink, Set(channels))]
        case .sentinel(let router):
            return [(try await router.subscriberLink(), Set(channels))]
        case .cluster(let router):
            let bySlot = Dictionary(grouping: channels) { RedisHashSlot(key: $0) }
            return try bySlot.map { slot, group in (try router.subscriberLink(for: slot), Set(group)) }
        }
    }

    /// Publishes `payload` to `channel` (on a cluster with `SPUBLISH`, to the shard serving its slot).
    ///
    /// - Returns: how many subscribers received it (on a cluster: of that shard).
    @discardableResult
    nonisolated(nonsending) public func publish(_ payload: ByteBuffer, to channel: String) async throws -> Int {
        let name = if case .cluster = try await self.currentTopology(on: self.eventLoopGroup.any()) { "SPUBLISH" } else { "PUBLISH" }
        let reply = try await self.send(RedisCommand([ByteBuffer(string: name), ByteBuffer(string: channel), payload]))
        guard let receivers = reply.int else {
            throw RedisClientError.protocolError("PUBLISH answered with something other than an integer")
        }
        return receivers
    }
}
