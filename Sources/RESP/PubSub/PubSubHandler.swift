import Logging
import NIOCore

/// The last handler of a subscriber connection: turns every frame into a ``PubSubEvent``.
///
/// A connection in subscribe mode answers no command in the request–reply sense, so there is no
/// queue of promises here; commands are written straight to the encoder and their outcome arrives
/// as events (`subscribe` confirmations, error replies).
final class PubSubHandler: ChannelInboundHandler {
    typealias InboundIn = RESPValue

    private let onEvent: @Sendable (PubSubEvent) -> Void
    private let logger: Logger

    init(logger: Logger, onEvent: @escaping @Sendable (PubSubEvent) -> Void) {
        self.logger = logger
        self.onEvent = onEvent
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = self.unwrapInboundIn(data)
        if let event = PubSubEvent(frame: frame) {
            self.onEvent(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug("Redis subscriber connection failed, closing it", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
