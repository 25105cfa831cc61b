import Logging
import NIOCore

/// Writes commands and hands each reply to the command written earliest that has no reply yet.
///
/// Redis answers the commands of one connection in order, so a FIFO queue of promises is all the
/// matching there is. Anything that breaks that order (a timeout, a decoding error, a reply nobody
/// asked for) leaves no way to tell which reply belongs to whom: the connection is closed and every
/// waiting command fails.
final class RedisCommandHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = RedisCommand

    private let logger: Logger
    private let health: ConnectionHealth
    private var pending = CircularBuffer<PendingReply>()
    /// Set once the connection can no longer answer; every waiting and later command fails with it.
    private var failure: RedisClientError? {
        didSet { if failure != nil { health.retire() } }
    }
    private var nextID: UInt64 = 0
    private var flushScheduled = false
    /// One timer for all waiting commands, armed for the earliest deadline it knows of:
    /// scheduling and cancelling a timer per command cost more than the command itself.
    private var timer: (deadline: NIODeadline, task: Scheduled<Void>)?

    init(health: ConnectionHealth = ConnectionHealth(), logger: Logger) {
        self.health = health
        self.logger = logger
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = self.unwrapOutboundIn(data)
        if let failure = self.failure {
            request.promise.fail(failure)
            promise?.fail(failure)
            return
        }
        let id = self.nextID
        self.nextID += 1
        let deadline = context.eventLoop.now + TimeAmount(request.timeout)
        self.pending.append(PendingReply(id: id, promise: request.promise, deadline: deadline))
        if self.timer.map({ deadline < $0.deadline }) ?? true {
            self.armTimer(for: deadline, context: context)
        }
        self.logger.trace("Redis command sent", metadata: ["redis.command": "\(request.command.name)"])
        context.write(self.wrapOutboundOut(request.command), promise: promise)
        self.scheduleFlush(context: context)
    }

    /// Commands written in the same event loop tick leave in one flush, which is what makes
    /// pipelining from many concurrent callers cheap.
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !self.flushScheduled else { return }
        self.flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            if self.failure == nil { context.flush() }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.failure == nil else { return }
        let value = self.unwrapInboundIn(data)
        if case .push = value {
            // Out-of-band messages (client tracking, pub/sub) are never replies; with no subscriber
            // on this connection there is nobody to hand them to.
            self.logger.debug("Redis push message ignored")
            return
        }
        guard let reply = self.pending.popFirst() else {
            self.fail(.protocolError("reply received with no command waiting"), context: context)
            return
        }
        if let message = value.errorMessage {
            reply.promise.fail(RedisClientError.server(message))
        } else {
            reply.promise.succeed(value)
        }
    }

    private func armTimer(for deadline: NIODeadline, context: ChannelHandlerContext) {
        self.timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timer = nil
            self.checkDeadlines(context: context)
        }
        self.timer = (deadline, task)
    }

    /// Times out the first command past its deadline, if any, or re-arms the timer for the
    /// earliest deadline still ahead. Answered commands left the queue without touching the timer.
    private func checkDeadlines(context: ChannelHandlerContext) {
        guard self.failure == nil, let earliest = self.pending.min(by: { $0.deadline < $1.deadline }) else { return }
        if earliest.deadline <= context.eventLoop.now {
            self.timeOut(earliest.id, context: context)
        } else {
            self.armTimer(for: earliest.deadline, context: context)
        }
    }

    private func timeOut(_ id: UInt64, context: ChannelHandlerContext) {
        self.logger.debug("Redis command timed out, closing the connection")
        let closing = RedisClientError.connectionUnavailable("connection closed after a command timed out")
        self.failure = closing
        while let reply = self.pending.popFirst() {
            reply.promise.fail(reply.id == id ? RedisClientError.timeout : closing)
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if self.failure == nil {
            self.logger.debug("Redis connection closed by the server")
            self.failAll(.connectionUnavailable("connection closed by the server"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard self.failure == nil else { return }
        self.fail(error as? RedisClientError ?? .connectionUnavailable("\(error)"), context: context)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if self.failure == nil { self.failAll(.closed) }
        context.close(mode: mode, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.failAll(self.failure ?? .connectionUnavailable("connection closed"))
    }

    private func fail(_ error: RedisClientError, context: ChannelHandlerContext) {
        self.logger.debug("Redis connection failed, closing it", metadata: ["error": "\(error)"])
        self.failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: RedisClientError) {
        self.failure = error
        self.timer?.task.cancel()
        self.timer = nil
        while let reply = self.pending.popFirst() {
            reply.promise.fail(error)
        }
    }
}
