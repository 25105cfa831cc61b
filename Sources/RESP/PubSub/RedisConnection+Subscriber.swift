import Logging
import NIOCore

extension RedisConnection {
    /// Opens a connection for subscriptions: the usual handshake (`HELLO 3`, or RESP2 with `AUTH`
    /// and `SELECT`), then the command handler gives way to a ``RESPDecoder``, a ``RESPEncoder`` and a
    /// ``PubSubHandler`` that reports every frame to `onEvent`. Write ``RedisCommand`` values to the
    /// returned channel.
    static func openSubscriber(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop,
        logger: Logger,
        onEvent: @escaping @Sendable (PubSubEvent) -> Void
    ) async throws -> any Channel {
        let connection = try await RedisConnection.connect(configuration: configuration, eventLoop: eventLoop, logger: logger)
        let channel = connection.channel
        do {
            // Nothing is in flight after the handshake, so no frame can reach the pipeline between
            // the two handlers.
            try await channel.eventLoop.flatSubmit {
                let pipeline = channel.pipeline.syncOperations
                do {
                    let commands = try pipeline.handler(type: RedisCommandHandler.self)
                    try pipeline.addHandler(ByteToMessageHandler(RESPDecoder(limits: configuration.decodingLimits)))
                    try pipeline.addHandler(MessageToByteHandler(RESPEncoder()))
                    try pipeline.addHandler(PubSubHandler(logger: logger, onEvent: onEvent))
                    return pipeline.removeHandler(commands)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }.get()
        } catch {
            await connection.close()
            throw RedisClientError.connectionUnavailable("could not prepare a subscriber connection: \(error)")
        }
        return channel
    }
}
