import NIOCore
import NIOPosix
import RedisTestServers
import Testing

@testable import RESP

@Suite(
    "Client against redis-server",
    .enabled(
        if: RedisServer.shouldRun,
        "redis-server is not on PATH; install it to run these tests (with CI or TESSERA_REQUIRE_SERVERS set they fail instead)"
    )
)
struct RedisClientTests {
    @Test("SET and GET round-trip binary values, missing keys are null, error replies throw")
    func roundTrip() async throws {
        try await withRedisServer { server in
            try await withClient(try RedisConfiguration(url: server.url)) { client in
                #expect(try await client.send("SET", "greeting", "hello\r\nworld") == .simpleString("OK"))
                #expect(try await client.send("GET", "greeting").string == "hello\r\nworld")
                let bytes = ByteBuffer(bytes: [0, 13, 10, 255])
                try await client.send(RedisCommand([ByteBuffer(string: "SET"), ByteBuffer(string: "blob"), bytes]))
                #expect(try await client.send("GET", "blob") == .bulkString(bytes))
                #expect(try await client.send("GET", "missing").isNull)
                await expectServerError("WRONGTYPE") { try await client.send("LPUSH", "greeting", "x") }
            }
        }
    }

    @Test("RESP3 is negotiated: HGETALL answers with a map and ZSCORE with a double")
    func resp3() async throws {
        try await withRedisServer { server in
            try await withClient(try RedisConfiguration(url: server.url)) { client in
                try await client.send("HSET", "user:1", "name", "ada", "role", "admin")
                let reply = try await client.send("HGETALL", "user:1")
                guard case .map(let pairs) = reply else {
                    Issue.record("expected a map, got \(reply)")
                    return
                }
                let fields = Dictionary(uniqueKeysWithValues: pairs.map { ($0.key.string ?? "", $0.value.string ?? "") })
                #expect(fields == ["name": "ada", "role": "admin"])
                try await client.send("ZADD", "scores", "1.5", "ada")
                #expect(try await client.send("ZSCORE", "scores", "ada") == .double(1.5))
                let info = try await client.send("CLIENT", "INFO").string ?? ""
                #expect(info.split(whereSeparator: \.isWhitespace).contains("resp=3"))
            }
        }
    }

    @Test("without HELLO the connection falls back to RESP2, then AUTH and SELECT")
    func resp2Fallback() async throws {
        try await withRedisServer(["rename-command HELLO \"\"", "requirepass s3cret"]) { server in
            let configuration = try RedisConfiguration(url: "redis://:s3cret@127.0.0.1:\(server.port)/2")
            let connection = try await RedisConnection.connect(
                configuration: configuration,
                eventLoop: MultiThreadedEventLoopGroup.singleton.next()
            )
            #expect(connection.protocolVersion == .resp2)
            await connection.close()
            try await withClient(configuration) { client in
                try await client.send("HSET", "h", "a", "1")
                let reply = try await client.send("HGETALL", "h")
                #expect(reply == .array([.bulk("a"), .bulk("1")]))
                #expect(reply.map?.first?.value.int == 1)
                let info = try await client.send("CLIENT", "INFO").string ?? ""
                #expect(info.split(whereSeparator: \.isWhitespace).contains("resp=2"))
                #expect(info.contains(" db=2 "))
            }
        }
    }

    @Test("a refused handshake does not quote the password")
    func handshakeErrorsHideCredentials() async throws {
        try await withRedisServer(["rename-command HELLO \"\"", "rename-command AUTH \"\"", "requirepass s3cret"]) { server in
            try await withClient(try RedisConfiguration(url: "redis://:s3cret@127.0.0.1:\(server.port)")) { client in
                await #expect {
                    try await client.send("PING")
                } throws: { error in
                    guard case .server(let message) = error as? RedisClientError else { return false }
                    return message.hasPrefix("ERR unknown command") && !message.contains("s3cret")
                }
            }
        }
    }

    @Test("a server that closes every connection at once fails each connect with connectionUnavailable")
    func closedDuringHandshake() async throws {
        let listener = try await ClosingListener.start()
        let configuration = RedisConfiguration(host: "127.0.0.1", port: listener.port)
        // The close races the handshake: it lands before, during or after the HELLO is written.
        for _ in 0..<50 {
            await expectUnavailable {
                let connection = try await RedisConnection.connect(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
                await connection.close()
                return .null
            }
        }
        #expect(listener.accepted == 50)
        await listener.stop()
    }

    @Test("only an unknown-command, NOPERM or NOPROTO answer to HELLO falls back to RESP2")
    func helloRefusals() async throws {
        let refusals = ["ERR unknown command 'HELLO', with args beginning with: '3'", "NOPERM this user has no permissions to run the 'hello' command", "NOPROTO unsupported protocol version"]
        let others = ["ERR max number of clients reached", "NOAUTH HELLO must be called with the client already authenticated", "WRONGPASS invalid username-password pair or user is disabled.", "LOADING Redis is loading the dataset in memory"]
        #expect(refusals.allSatisfy(RedisConnection.refusesHello))
        #expect(!others.contains(where: RedisConnection.refusesHello))
    }

    @Test("user, password and database come from the URL")
    func authentication() async throws {
        try await withRedisServer(["requirepass topsecret", "user alice on >wonder@land ~* &* +@all"]) { server in
            let base = "127.0.0.1:\(server.port)"
            try await withClient(try RedisConfiguration(url: "redis://alice:wonder%40land@\(base)/3")) { client in
                let user = try await client.send("ACL", "WHOAMI")
                let info = try await client.send("CLIENT", "INFO")
                #expect(user.string == "alice")
                #expect(info.string?.contains(" db=3 ") == true)
            }
            try await withClient(try RedisConfiguration(url: "redis://:topsecret@\(base)")) { client in
                let user = try await client.send("ACL", "WHOAMI")
                #expect(user.string == "default")
            }
            try await withClient(try RedisConfiguration(url: "redis://alice:wrong@\(base)")) { client in
                await expectServerError("WRONGPASS") { try await client.send("PING") }
            }
            try await withClient(try RedisConfiguration(url: "redis://\(base)")) { client in
                await expectServerError("NOAUTH") { try await client.send("PING") }
            }
        }
    }

    @Test("200 concurrent callers share one pipelined connection and each gets its own replies")
    func pipelining() async throws {
        try await withRedisServer { server in
            let observer = try await RedisConnection.connect(
                configuration: try RedisConfiguration(url: server.url),
                eventLoop: MultiThreadedEventLoopGroup.singleton.next()
            )
            let before = try await Self.connectionsReceived(observer)
            var configuration = try RedisConfiguration(url: server.url)
            configuration.maximumConnections = 1
            try await withClient(configuration) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            let echoed = try await client.send("ECHO", "echo:\(index)")
                            try await client.send("SET", "key:\(index)", "value:\(index)")
                            let value = try await client.send("GET", "key:\(index)")
                            #expect(echoed.string == "echo:\(index)")
                            #expect(value.string == "value:\(index)")
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await Self.connectionsReceived(observer) - before == 1)
            await observer.close()
        }
    }

    @Test("a pipeline's commands leave together on one connection and each gets its own reply, errors included")
    func explicitPipeline() async throws {
        try await withRedisServer { server in
            var configuration = try RedisConfiguration(url: server.url)
            configuration.maximumConnections = 1
            try await withClient(configuration) { client in
                let sets = (0..<100).map { RedisCommand(["SET", "p:\($0)", "v:\($0)"]) }
                let gets = (0..<100).map { RedisCommand(["GET", "p:\($0)"]) }
                let replies = try await client.pipeline(sets + [RedisCommand(["INCR", "p:0"])] + gets)
                #expect(replies.count == 201)
                #expect(replies[..<100].allSatisfy { (try? $0.get()) == .simpleString("OK") })
                #expect(replies[100] == .failure(.server("ERR value is not an integer or out of range")))
                #expect(replies[101...].map { try? $0.get().string } == (0..<100).map { "v:\($0)" })
                #expect(try await client.pipeline([]).isEmpty)
                await #expect(throws: RedisClientError.protocolError("a command needs at least a name")) {
                    try await client.pipeline([RedisCommand(["PING"]), RedisCommand([String]())])
                }
                // Pipelines from concurrent callers interleave whole, never command by command.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for caller in 0..<20 {
                        group.addTask {
                            let echoes = (0..<10).map { RedisCommand(["ECHO", "\(caller):\($0)"]) }
                            let replies = try await client.pipeline(echoes)
                            #expect(replies.map { try? $0.get().string } == (0..<10).map { "\(caller):\($0)" })
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test("a command handed a connection that failed before sending it goes out on a new connection")
    func unsentCommandRetried() async throws {
        try await withRedisServer { server in
            let configuration = try RedisConfiguration(url: server.url)
            try await withClient(configuration) { client in
                let loop = MultiThreadedEventLoopGroup.singleton.next()
                var attempts = 0
                let reply = try await client.pool.withConnection(on: loop) { connection in
                    attempts += 1
                    if attempts == 1 {
                        // The connection was handed out, then the server closed it before the
                        // command was written: the pool's window between lease and send.
                        let id = try await connection.send(RedisCommand(["CLIENT", "ID"]), timeout: .seconds(2)).int ?? -1
                        let killer = try await RedisConnection.connect(configuration: configuration, eventLoop: loop)
                        _ = try await killer.send(RedisCommand(["CLIENT", "KILL", "ID", String(id)]), timeout: .seconds(2))
                        await killer.close()
                        for _ in 0..<200 where connection.isActive { try await Task.sleep(for: .milliseconds(10)) }
                    }
                    return try await connection.submit(RedisCommand(["ECHO", "once"]), timeout: .seconds(2))
                }
                #expect(reply.string == "once")
                #expect(attempts == 2)
            }
        }
    }

    @Test("after the server kills a connection, the next command goes out on a new one")
    func idleConnectionClosedByServer() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        try await withRedisServer { server in
            let configuration = try RedisConfiguration(url: server.url)
            try await withClient(configuration, group: group) { client in
                let caller = EventLoopBoundCaller(loop: loop)
                let killer = try await RedisConnection.connect(configuration: configuration, eventLoop: loop)
                for round in 0..<20 {
                    let id = try await caller.send("CLIENT", "ID", via: client).int ?? -1
                    _ = try await killer.send(RedisCommand(["CLIENT", "KILL", "ID", String(id)]), timeout: .seconds(2))
                    // Straight after the kill, on the killed connection's own loop: the pool may
                    // not have seen the close yet, and the command must not be lost to it.
                    #expect(try await caller.send("ECHO", "round \(round)", via: client).string == "round \(round)")
                }
                await killer.close()
            }
        }
        try await group.shutdownGracefully()
    }

    @Test("scripts run by SHA and are sent again after SCRIPT FLUSH")
    func scripts() async throws {
        let script = RedisScript("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}")
        try await withRedisServer { server in
            try await withClient(try RedisConfiguration(url: server.url)) { client in
                let exists = { try await client.send("SCRIPT", "EXISTS", script.sha1) }
                #expect(try await exists() == .array([.integer(0)]))
                let first = try await client.run(script, keys: ["counter"], arguments: ["hello"])
                #expect(first == .array([.bulk("counter"), .bulk("hello"), .integer(1)]))
                #expect(try await exists() == .array([.integer(1)]))
                #expect(try await client.send("SCRIPT", "LOAD", script.source).string == script.sha1)
                try await client.send("SCRIPT", "FLUSH")
                #expect(try await exists() == .array([.integer(0)]))
                #expect(try await client.run(script, keys: ["counter"], arguments: ["again"]).array?.last == .integer(2))
                #expect(try await exists() == .array([.integer(1)]))
                await expectServerError("ERR") {
                    try await client.run(RedisScript("return redis.call('NOPE')"), keys: [], arguments: [])
                }
            }
        }
    }

    @Test("a command that outlives its timeout fails with .timeout and the next command reconnects")
    func timeout() async throws {
        try await withRedisServer(["enable-debug-command yes"]) { server in
            var configuration = try RedisConfiguration(url: server.url)
            configuration.commandTimeout = .milliseconds(200)
            try await withClient(configuration) { client in
                await #expect(throws: RedisClientError.timeout) {
                    try await client.send("DEBUG", "SLEEP", "1")
                }
                // The server is still asleep: this command must wait for it on a new connection.
                let reply = try await client.send(RedisCommand(["PING"]), timeout: .seconds(30))
                #expect(reply == .simpleString("PONG"))
            }
        }
    }

    @Test("a cancelled caller stops waiting, and the connection's later replies still reach their own commands")
    func cancellation() async throws {
        try await withRedisServer { server in
            let connection = try await RedisConnection.connect(
                configuration: try RedisConfiguration(url: server.url),
                eventLoop: MultiThreadedEventLoopGroup.singleton.next()
            )
            let blocked = Task {
                try await connection.send(RedisCommand(["BLPOP", "nothing-comes", "1"]), timeout: .seconds(10))
            }
            try await Task.sleep(for: .milliseconds(100))
            blocked.cancel()
            await #expect(throws: CancellationError.self) { try await blocked.value }
            // BLPOP's own reply (null, a second later) is dropped rather than taken for PING's.
            #expect(try await connection.send(RedisCommand(["PING"]), timeout: .seconds(10)) == .simpleString("PONG"))
            #expect(try await connection.send(RedisCommand(["ECHO", "after"]), timeout: .seconds(10)).string == "after")
            #expect(connection.isActive)
            await connection.close()
        }
    }

    @Test("while the server is down commands fail with connectionUnavailable; the same client recovers after a restart")
    func serverRestart() async throws {
        try await withRedisServer { server in
            var configuration = try RedisConfiguration(url: server.url)
            // Generous timeouts: a command that waited for them instead of failing at once ends in .timeout and fails the test.
            configuration.commandTimeout = .seconds(30)
            configuration.connectTimeout = .seconds(30)
            try await withClient(configuration) { client in
                try await client.send("SET", "k", "v")
                server.crash()
                await expectUnavailable { try await client.send("GET", "k") }
                // Each attempt fails at once with connectionUnavailable (a hang would end in
                // .timeout after 30 s). The wording is not checked: tests run in parallel, and
                // another test's server may already listen on the freed port.
                for _ in 0..<3 {
                    await expectUnavailable { try await client.send("PING") }
                }
                try await server.restart()
                // The failures above put the client into its reconnect back-off (at most
                // maximumReconnectDelay): commands may fail at once for that long, then connect.
                #expect(try await Self.firstAnswer(within: .seconds(10)) { try await client.send("PING") } == .simpleString("PONG"))
                #expect(try await client.send("GET", "k").isNull)
            }
        }
    }

    @Test("after a failed connection attempt, commands fail at once without connecting until the wait is over")
    func reconnectBackoff() async throws {
        let listener = try await ClosingListener.start()
        var configuration = RedisConfiguration(host: "127.0.0.1", port: listener.port)
        configuration.reconnectDelay = .seconds(60)
        configuration.maximumReconnectDelay = .seconds(60)
        try await withClient(configuration) { client in
            await expectUnavailable { try await client.send("PING") }
            #expect(listener.accepted == 1)
            for _ in 0..<5 {
                let message = await expectUnavailable { try await client.send("PING") }
                #expect(message?.contains("no new attempt for") == true)
            }
            #expect(listener.accepted == 1)
        }
        configuration.reconnectDelay = .zero
        try await withClient(configuration) { client in
            for _ in 0..<3 {
                await expectUnavailable { try await client.send("PING") }
            }
            #expect(listener.accepted == 4)
        }
        await listener.stop()
    }

    @Test("while the pool waits to reconnect, commands from other event loops use a connection that is open")
    func backoffUsesOpenConnections() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Array(group.makeIterator())
        // One client at most: the second connection is refused with an error reply.
        try await withRedisServer(["maxclients 1"]) { server in
            var configuration = try RedisConfiguration(url: server.url)
            configuration.reconnectDelay = .seconds(60)
            configuration.maximumReconnectDelay = .seconds(60)
            try await withClient(configuration, group: group) { client in
                let first = EventLoopBoundCaller(loop: loops[0])
                let second = EventLoopBoundCaller(loop: loops[1])
                #expect(try await first.send("PING", via: client) == .simpleString("PONG"))
                // Redis answers the handshake with its refusal and closes; the client sees either first.
                do {
                    let reply = try await second.send("PING", via: client)
                    Issue.record("expected the second connection to be refused, got \(reply)")
                } catch RedisClientError.server(let message) {
                    #expect(message.hasPrefix("ERR max number of clients"))
                } catch RedisClientError.connectionUnavailable {
                }
                #expect(try await second.send("ECHO", "shared", via: client).string == "shared")
                let connection = try await client.pool.connection(on: loops[1])
                #expect(connection.eventLoop === loops[0])
            }
        }
        try await group.shutdownGracefully()
    }

    @Test("a caller running on an event loop gets that loop's connection")
    func eventLoopAffinity() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 4)
        let loops = Array(group.makeIterator())
        try await withRedisServer { server in
            var configuration = try RedisConfiguration(url: server.url)
            configuration.maximumConnections = 1
            // Out of order, so that handing out loops round-robin cannot pass by chance.
            for index in [3, 0, 2, 1] {
                try await withClient(configuration, group: group) { client in
                    let caller = EventLoopBoundCaller(loop: loops[index])
                    #expect(try await caller.send("PING", via: client) == .simpleString("PONG"))
                    // With one connection allowed, every loop is handed the one that exists.
                    let connection = try await client.pool.connection(on: loops[(index + 1) % loops.count])
                    #expect(connection.eventLoop === loops[index])
                }
            }
        }
        try await group.shutdownGracefully()
    }

    @Test("one connection per event loop, at most maximumConnections in all, one attempt per loop")
    func poolBounds() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 4)
        let loops = Array(group.makeIterator())
        try await withRedisServer { server in
            var configuration = try RedisConfiguration(url: server.url)
            configuration.maximumConnections = 2
            let observer = try await RedisConnection.connect(configuration: configuration, eventLoop: loops[0])
            let before = try await Self.connectionsReceived(observer)
            try await withClient(configuration, group: group) { client in
                let first = try await withThrowingTaskGroup(of: RedisConnection.self) { tasks in
                    for _ in 0..<20 {
                        tasks.addTask { try await client.pool.connection(on: loops[1]) }
                    }
                    var connections: [RedisConnection] = []
                    for try await connection in tasks {
                        connections.append(connection)
                    }
                    return connections
                }
                #expect(first.allSatisfy { $0 === first[0] && $0.eventLoop === loops[1] })
                let second = try await client.pool.connection(on: loops[2])
                #expect(second !== first[0])
                #expect(second.eventLoop === loops[2])
                let third = try await client.pool.connection(on: loops[3])
                #expect(third === first[0] || third === second)
            }
            #expect(try await Self.connectionsReceived(observer) - before == 2)
            await observer.close()
        }
        try await group.shutdownGracefully()
    }

    @Test("a closed client refuses commands")
    func closedClient() async throws {
        try await withRedisServer { server in
            let client = RedisClient(configuration: try RedisConfiguration(url: server.url))
            #expect(try await client.send("PING") == .simpleString("PONG"))
            await client.close()
            await #expect(throws: RedisClientError.closed) { try await client.send("PING") }
        }
    }

    /// The first reply `send` gets without throwing, trying again every 50 ms for at most `limit`.
    static func firstAnswer(within limit: Duration, _ send: () async throws -> RESPValue) async throws -> RESPValue {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await send()
            } catch where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    static func connectionsReceived(_ connection: RedisConnection) async throws -> Int {
        let info = try await connection.send(RedisCommand(["INFO", "stats"]), timeout: .seconds(10)).string ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("total_connections_received:") }
        return Int(line?.split(separator: ":").last ?? "") ?? -1
    }
}
