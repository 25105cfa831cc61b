/// A command that never left its connection: it was refused before it was written, or was still
/// in the outbound buffer when the connection failed. The server cannot have run it, so it is safe
/// to send again on another connection — unlike a command whose connection broke after it was
/// written, which may have run.
///
/// This is what lets the pool carry on after a server restart: a connection that the server closed
/// while it sat idle can still look open to the first caller after the restart, and that caller's
/// command then fails without having been sent. It never reaches users of the library: the pool
/// retries it, and ``RedisConnection/send(_:timeout:)`` throws its ``cause``.
struct UnsentCommand: Error {
    let cause: RedisClientError
}
