/// Messages published to some channels, as an asynchronous sequence; from ``RedisClient/subscribe(to:)``.
///
/// ```swift
/// let subscription = try await client.subscribe(to: ["events:all"])
/// for try await message in subscription {
///     handle(message.channel, message.payload)
/// }
/// ```
///
/// The sequence has one consumer: iterate it from one task. It survives reconnects (messages
/// published while the connection was down are lost, as Redis does not keep them) and ends when
/// ``unsubscribe()`` is called, when the client is closed, or, by throwing
/// ``RedisClientError/subscriberTooSlow``, when the consumer lets more than
/// ``RedisConfiguration/subscriptionBufferSize`` messages pile up: it then knows it missed messages
/// and can resynchronise and subscribe again.
public final class RedisSubscription: AsyncSequence, Sendable {
    public typealias Element = RedisPubSubMessage

    /// The channels subscribed to.
    public let channels: [String]
    private let messages: AsyncThrowingStream<RedisPubSubMessage, any Error>
    private let continuation: AsyncThrowingStream<RedisPubSubMessage, any Error>.Continuation
    private let end: @Sendable () -> Void

    init(
        channels: [String],
        messages: AsyncThrowingStream<RedisPubSubMessage, any Error>,
        continuation: AsyncThrowingStream<RedisPubSubMessage, any Error>.Continuation,
        end: @escaping @Sendable () -> Void
    ) {
        self.channels = channels
        self.messages = messages
        self.continuation = continuation
        self.end = end
    }

    deinit {
        self.end()
        self.continuation.finish()
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<RedisPubSubMessage, any Error>.AsyncIterator

        public mutating func next() async throws -> RedisPubSubMessage? {
            try await self.base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: self.messages.makeAsyncIterator())
    }

    /// Stops receiving: the sequence ends after the messages already buffered, and channels no
    /// other subscription of the client listens to are unsubscribed on the server.
    public func unsubscribe() async {
        self.end()
        self.continuation.finish()
    }
}
