import Logging
import NIOCore
import RESP
import TesseraCore

/// Live events between nodes over Redis pub/sub, on the channel `<ns>:events`: every node
/// publishes there and listens there once.
///
/// One channel rather than one per user: a node would otherwise subscribe and unsubscribe
/// as sockets come and go, and events are few (logins, revocations, pushes). On Redis
/// Cluster the channel is sharded pub/sub, so it lives on one shard. Pub/sub keeps
/// nothing: an event published while a node is disconnected is lost to that node, whose
/// sockets then learn the state of their session at their next check.
/// ```swift
/// let bus = RedisEventBus(client: client, namespace: "tessera")
/// ```
public struct RedisEventBus: EventBus {
    private let client: RedisClient
    private let channel: String
    private let logger: Logger

    public init(client: RedisClient, namespace: String = "tessera", logger: Logger = Logger(label: "tessera.events")) {
        self.client = client
        self.channel = namespace + ":events"
        self.logger = logger
    }

    public func publish(_ event: LiveEvent) async throws {
        try await client.publish(ByteBuffer(bytes: event.encoded()), to: channel)
    }

    public func listen() async throws -> AsyncStream<LiveEvent> {
        let subscription = try await client.subscribe(to: [channel])
        let (events, continuation) = AsyncStream.makeStream(of: LiveEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let logger = self.logger
        let reader = Task {
            do {
                for try await message in subscription {
                    if let event = LiveEvent(decoding: message.payload.readableBytesView) {
                        continuation.yield(event)
                    } else {
                        logger.warning("unreadable live event skipped", metadata: ["bytes": "\(message.payload.readableBytes)"])
                    }
                }
            } catch {
                logger.warning("live event subscription failed", metadata: ["error": "\(error)"])
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            reader.cancel()
            Task { await subscription.unsubscribe() }
        }
        return events
    }
}
