import NIOCore

/// A command that has been written and is waiting for its reply.
struct PendingReply {
    /// Lets a timeout that fires late recognise that its command was answered in the meantime.
    let id: UInt64
    let promise: EventLoopPromise<RESPValue>
    let deadline: NIODeadline
}
