import NIOCore

/// A command that has been written and is waiting for its reply.
struct PendingReply {
    /// Where the reply goes.
    enum Sink {
        /// A caller of ``RedisConnection/send(_:timeout:)`` suspended on the connection's event loop
        /// or elsewhere: resumed directly, without a promise and its callbacks in between.
        case continuation(UnsafeContinuation<RESPValue, any Error>)
        /// A command written through the channel (the handshake, batches, tests).
        case promise(EventLoopPromise<RESPValue>)
        /// One command of a pipeline, whose caller waits for every reply of it at once.
        case pipeline(PipelineReplies, index: Int)
        /// A caller that was cancelled and no longer waits; its reply is dropped when it comes.
        case abandoned

        func succeed(_ value: RESPValue) {
            switch self {
            case .continuation(let continuation): continuation.resume(returning: value)
            case .promise(let promise): promise.succeed(value)
            case .pipeline(let replies, let index): replies.complete(index, with: .success(value))
            case .abandoned: break
            }
        }

        func fail(_ error: any Error) {
            switch self {
            case .continuation(let continuation): continuation.resume(throwing: error)
            case .promise(let promise): promise.fail(error)
            case .pipeline(let replies, let index): replies.complete(index, with: .failure(error))
            case .abandoned: break
            }
        }
    }

    /// Lets a cancelled caller find its command; 0 for commands written through the channel,
    /// which cannot be cancelled this way.
    let id: UInt64
    var sink: Sink
    let deadline: NIODeadline
}
