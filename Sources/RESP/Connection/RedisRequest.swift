import NIOCore

/// What ``RedisConnection`` writes into its channel: a command and where its reply goes.
struct RedisRequest: Sendable {
    let command: RedisCommand
    let promise: EventLoopPromise<RESPValue>
    let timeout: Duration
}
