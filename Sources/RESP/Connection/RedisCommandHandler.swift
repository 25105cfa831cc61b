import Logging
import NIOCore

/// Writes commands and hands each reply to the command written earliest that has no reply yet.
///
/// Redis answers the commands of one connection in order, so a FIFO queue of waiting callers is all
/// the matching there is. Anything that breaks that order (a timeout, a decoding error, a reply
/// nobody asked for) leaves no way to tell which reply belongs to whom: the connection is closed and
/// every waiting command fails.
///
/// Commands are encoded straight into one outbound buffer as they come, and the buffer is written
/// and flushed once per event-loop tick, so many callers' commands leave in one system call.
/// Replies are decoded here too, with a ``RESPDecoder``, and handed to their callers as they are
/// parsed: no `ByteToMessageHandler` and no type-erased message per reply in between.
final class RedisCommandHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private let logger: Logger
    /// Whether the logger takes trace messages, asked once: reading the level copies the log
    /// handler (an existential) each time, which showed in profiles of pipelined commands.
    private let tracing: Bool
    private let health: ConnectionHealth
    private var decoder: RESPDecoder
    /// The start of a reply whose end has not arrived yet.
    private var received: ByteBuffer?
    private var pending = CircularBuffer<PendingReply>(initialCapacity: 64)
    /// Set once the connection can no longer answer; every waiting and later command fails with it.
    private var failure: RedisClientError? {
        didSet { if failure != nil { health.retire() } }
    }
    /// Set while the handler is in a pipeline; commands enqueued without it fail.
    private var context: ChannelHandlerContext?
    /// Commands enqueued since the last flush, encoded back to back.
    private(set) var outbound = ByteBuffer()
    /// What the outbound buffer starts with, and the most it keeps between flushes: a command with
    /// a large argument must not leave its connection holding that much memory for good.
    static let outboundCapacity = (initial: 4096, retained: 64 * 1024)
    private var flushScheduled = false
    /// How many commands at the end of `pending` are still in `outbound`: if the connection fails
    /// now, those were never sent.
    private var unflushed = 0
    /// One timer for all waiting commands, armed for the earliest deadline it knows of:
    /// scheduling and cancelling a timer per command cost more than the command itself.
    private var timer: (deadline: NIODeadline, task: Scheduled<Void>)?

    init(limits: RESPDecodingLimits = RESPDecodingLimits(), health: ConnectionHealth = ConnectionHealth(), logger: Logger) {
        self.decoder = RESPDecoder(limits: limits)
        self.health = health
        self.logger = logger
        self.tracing = logger.logLevel <= .trace
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.outbound = context.channel.allocator.buffer(capacity: Self.outboundCapacity.initial)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = self.unwrapOutboundIn(data)
        if let failure = self.failure {
            request.promise.fail(UnsentCommand(cause: failure))
            promise?.fail(failure)
            return
        }
        self.enqueue(request.command, timeout: request.timeout, id: 0, reply: .promise(request.promise))
        promise?.succeed(())
    }

    /// Queues `command` to leave with this tick's flush and `reply` to receive its answer; must be
    /// called on the channel's event loop. `reply` is completed in every case.
    func enqueue(_ command: RedisCommand, timeout: Duration, id: UInt64, reply: PendingReply.Sink) {
        guard let context = self.context, self.failure == nil else {
            reply.fail(UnsentCommand(cause: self.failure ?? .connectionUnavailable("connection closed")))
            return
        }
        self.append(command, deadline: self.deadline(after: timeout, context: context), id: id, sink: reply)
        self.scheduleFlush(context: context)
    }

    /// Queues the commands of a pipeline like ``enqueue(_:timeout:id:reply:)``, all under one `id`
    /// and one deadline, their replies gathered in `replies`.
    func enqueue(pipeline commands: [RedisCommand], timeout: Duration, id: UInt64, replies: PipelineReplies) {
        guard let context = self.context, self.failure == nil else {
            let unsent = UnsentCommand(cause: self.failure ?? .connectionUnavailable("connection closed"))
            for index in commands.indices { replies.complete(index, with: .failure(unsent)) }
            return
        }
        let deadline = self.deadline(after: timeout, context: context)
        for (index, command) in commands.enumerated() {
            self.append(command, deadline: deadline, id: id, sink: .pipeline(replies, index: index))
        }
        self.scheduleFlush(context: context)
    }

    /// The deadline of a command enqueued now, with the timer armed for it if it is the earliest.
    private func deadline(after timeout: Duration, context: ChannelHandlerContext) -> NIODeadline {
        let deadline = context.eventLoop.now + TimeAmount(timeout)
        if self.timer.map({ deadline < $0.deadline }) ?? true {
            self.armTimer(for: deadline, context: context)
        }
        return deadline
    }

    private func append(_ command: RedisCommand, deadline: NIODeadline, id: UInt64, sink: PendingReply.Sink) {
        self.pending.append(PendingReply(id: id, sink: sink, deadline: deadline))
        if self.tracing {
            self.logger.trace("Redis command sent", metadata: ["redis.command": "\(command.name)"])
        }
        RESPEncoder.append(command, to: &self.outbound)
        self.unflushed += 1
    }

    /// Stops waiting for the reply to the command (or pipeline) enqueued with `id`: its caller gets
    /// a `CancellationError` now, and the reply is dropped when it comes.
    func cancel(_ id: UInt64) {
        guard let index = self.pending.firstIndex(where: { $0.id == id }) else { return }
        let sink = self.pending[index].sink
        if case .pipeline(let replies, _) = sink {
            replies.abandon()
            return
        }
        self.pending[index].sink = .abandoned
        sink.fail(CancellationError())
    }

    /// Commands enqueued in the same event loop tick leave in one write and one flush, which is
    /// what makes pipelining from many concurrent callers cheap.
    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !self.flushScheduled else { return }
        self.flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.flushOutbound()
        }
    }

    private func flushOutbound() {
        guard let context = self.context, self.failure == nil, self.outbound.readableBytes > 0 else { return }
        context.writeAndFlush(self.wrapOutboundOut(self.outbound), promise: nil)
        self.unflushed = 0
        if self.outbound.capacity > Self.outboundCapacity.retained {
            self.outbound = context.channel.allocator.buffer(capacity: Self.outboundCapacity.initial)
        } else {
            // Usually the socket took every byte and the storage is ours again, reused without allocating.
            self.outbound.clear()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.failure == nil else { return }
        var bytes = self.unwrapInboundIn(data)
        if var start = self.received.take() {
            start.writeBuffer(&bytes)
            bytes = start
        }
        do throws(RedisClientError) {
            while let value = try self.decoder.decode(&bytes) {
                self.deliver(value, context: context)
                // A reply's promise callbacks may have closed the connection.
                guard self.failure == nil else { return }
            }
        } catch {
            self.fail(error, context: context)
            return
        }
        if bytes.readableBytes > 0 {
            self.received = bytes
        }
    }

    private func deliver(_ value: RESPValue, context: ChannelHandlerContext) {
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
            reply.sink.fail(RedisClientError.server(message))
        } else {
            reply.sink.succeed(value)
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
        guard self.failure == nil,
            let earliest = self.pending.indices.min(by: { self.pending[$0].deadline < self.pending[$1].deadline })
        else { return }
        let deadline = self.pending[earliest].deadline
        if deadline <= context.eventLoop.now {
            self.timeOut(at: earliest, context: context)
        } else {
            self.armTimer(for: deadline, context: context)
        }
    }

    private func timeOut(at index: CircularBuffer<PendingReply>.Index, context: ChannelHandlerContext) {
        self.logger.debug("Redis command timed out, closing the connection")
        let closing = RedisClientError.connectionUnavailable("connection closed after a command timed out")
        self.failure = closing
        if self.pending.distance(from: self.pending.startIndex, to: index) >= self.pending.count - self.unflushed {
            self.unflushed -= 1
        }
        let timedOut = self.pending.remove(at: index)
        timedOut.sink.fail(RedisClientError.timeout)
        self.failPending(closing)
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
        self.context = nil
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
        self.failPending(error)
    }

    /// Fails every waiting command with `error`, and those that never left the outbound buffer as
    /// unsent, so that they may be sent again elsewhere.
    private func failPending(_ error: RedisClientError) {
        let sent = self.pending.count - min(self.unflushed, self.pending.count)
        self.unflushed = 0
        self.outbound.clear()
        var index = 0
        while let reply = self.pending.popFirst() {
            reply.sink.fail(index < sent ? error : UnsentCommand(cause: error))
            index += 1
        }
    }
}
