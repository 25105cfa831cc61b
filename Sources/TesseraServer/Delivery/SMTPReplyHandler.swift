import NIOCore
import TesseraCore

/// Turns the bytes of an SMTP connection into replies and hands each to whoever waits
/// for the next one; replies that come before anyone asks (the greeting) wait in order.
///
/// Runs on the channel's event loop only. A malformed reply, an error or the peer closing
/// fails the waiting request and every later one.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// The server closed the connection, or it broke.
    struct ConnectionClosed: Error {}
    /// No reply within the command timeout.
    struct ReplyTimeout: Error {}

    private let processor = NIOSingleStepByteToMessageProcessor(SMTPReplyDecoder(), maximumBufferSize: 64 * 1024)
    private var replies = CircularBuffer<SMTPReply>()
    private var waiting: (promise: EventLoopPromise<SMTPReply>, timeout: Scheduled<Void>)?
    private var failure: (any Error)?

    /// Bytes or replies the server sent that nobody asked for yet. Must be none when TLS
    /// starts: anything sent in plain text before the handshake could be an attacker's.
    var hasUnreadInput: Bool { !replies.isEmpty || processor.unprocessedBytes > 0 }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try processor.process(buffer: unwrapInboundIn(data)) { reply in
                if let waiting {
                    self.waiting = nil
                    waiting.timeout.cancel()
                    waiting.promise.succeed(reply)
                } else {
                    replies.append(reply)
                }
            }
        } catch {
            fail(error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ConnectionClosed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    /// The next reply, or a failure after `timeout`.
    func nextReply(on eventLoop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        if let reply = replies.popFirst() { return eventLoop.makeSucceededFuture(reply) }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        precondition(waiting == nil, "one request at a time")
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        let scheduled = eventLoop.scheduleTask(in: timeout) {
            handler.value.timeOut(promise)
        }
        waiting = (promise, scheduled)
        return promise.futureResult
    }

    private func timeOut(_ promise: EventLoopPromise<SMTPReply>) {
        guard let waiting, waiting.promise.futureResult === promise.futureResult else { return }
        self.waiting = nil
        promise.fail(ReplyTimeout())
    }

    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        if let waiting {
            self.waiting = nil
            waiting.timeout.cancel()
            waiting.promise.fail(error)
        }
    }
}
