import NIOCore

extension RedisConnection {
    /// Switches to RESP3 with `HELLO 3` (authenticating in the same round trip), falls back to RESP2
    /// when the server refuses `HELLO`, then selects the database.
    ///
    /// Servers before 6.0, and servers where `HELLO` is renamed or denied by ACL, answer with an
    /// unknown-command, `NOPERM` or `NOPROTO` error; `AUTH` then does what `HELLO … AUTH` would
    /// have. Any other error is the server's answer to the connection, not to `HELLO` (`WRONGPASS`,
    /// `NOAUTH` without a password, `ERR max number of clients reached` before it closes), and
    /// fails it: going on would hand out a connection that cannot carry a command.
    static func handshake(
        on channel: any Channel,
        configuration: RedisConfiguration
    ) async throws -> RESPProtocolVersion {
        let timeout = configuration.connectTimeout
        var hello = ["HELLO", "3"]
        if let password = configuration.password {
            hello += ["AUTH", configuration.username ?? "default", password]
        }
        let version: RESPProtocolVersion
        do {
            _ = try await Self.send(RedisCommand(hello), timeout: timeout, on: channel)
            version = .resp3
        } catch RedisClientError.server(let message) where Self.refusesHello(message) {
            if let password = configuration.password {
                let user = configuration.username.map { [$0] } ?? []
                _ = try await Self.send(RedisCommand(["AUTH"] + user + [password]), timeout: timeout, on: channel)
            }
            version = .resp2
        }
        if configuration.database != 0 {
            let select = RedisCommand(["SELECT", String(configuration.database)])
            _ = try await Self.send(select, timeout: timeout, on: channel)
        }
        return version
    }

    /// Whether `message` says that the server does not know `HELLO` or will not run it.
    static func refusesHello(_ message: String) -> Bool {
        message.hasPrefix("NOPERM") || message.hasPrefix("NOPROTO")
            || message.lowercased().contains("unknown command")
    }

    /// A handshake failure as the caller sees it: a silent server is unavailable, and a refusal
    /// loses the arguments Redis quotes for an unknown command, since here they include the password.
    static func handshakeFailure(_ error: any Error, configuration: RedisConfiguration) -> any Error {
        switch error {
        case let unsent as UnsentCommand:
            return unsent.cause
        case RedisClientError.timeout:
            let server = "\(configuration.host):\(configuration.port)"
            return RedisClientError.connectionUnavailable(
                "\(server) did not answer the handshake within \(configuration.connectTimeout)"
            )
        case RedisClientError.server(let message):
            let quote = message.firstRange(of: ", with args beginning with:")?.lowerBound ?? message.endIndex
            return RedisClientError.server(String(message[..<quote]))
        case is RedisClientError, is CancellationError:
            return error
        default:
            // The channel went away under the handshake (the server closed it at once, as Redis
            // does past `maxclients`), before the command handler could even be looked up.
            return RedisClientError.connectionUnavailable(
                "\(configuration.host):\(configuration.port) closed the connection during the handshake (\(error))"
            )
        }
    }
}
