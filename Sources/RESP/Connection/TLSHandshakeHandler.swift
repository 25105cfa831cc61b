import NIOCore
import NIOSSL
import NIOTLS

/// Reports the end of a connection's TLS handshake through `done`: success, or the error that
/// ended it (an unverified certificate, say), so the caller can fail with that reason before any
/// command is written. Placed right after the `NIOSSLClientHandler`; it removes itself once the
/// handshake has succeeded.
///
/// ```swift
/// let done = channel.eventLoop.makePromise(of: Void.self)
/// try channel.pipeline.syncOperations.addHandlers(NIOSSLClientHandler(context: tls, serverHostname: name), TLSHandshakeHandler(done: done))
/// try await done.futureResult.get()
/// ```
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let done: EventLoopPromise<Void>
    private var finished = false

    init(done: EventLoopPromise<Void>) {
        self.done = done
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            self.finish(nil)
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish(ChannelError.eof)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.finish(ChannelError.ioOnClosedChannel)
    }

    private func finish(_ error: (any Error)?) {
        guard !self.finished else { return }
        self.finished = true
        if let error { self.done.fail(error) } else { self.done.succeed() }
    }
}
