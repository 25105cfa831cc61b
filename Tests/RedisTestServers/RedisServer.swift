import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway redis-server on 127.0.0.1, in its own process group and folder; with `sentinel`,
/// a Redis Sentinel (the same binary, run with `--sentinel`). Shared by the test targets that
/// need a server of their own (a replica to stop, a primary to crash).
public final class RedisServer {
    /// redis-server on PATH, if installed.
    public static let executable: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin")
        .split(separator: ":")
        .map { "\($0)/redis-server" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// CI runs must not skip: a missing server is a failure there.
    public static let isRequired = ["CI", "TESSERA_REQUIRE_SERVERS"].contains { ProcessInfo.processInfo.environment[$0] != nil }

    public static let shouldRun = executable != nil || isRequired

    public private(set) var port: Int
    public let directory: URL
    private let directives: [String]
    private let sentinel: Bool
    private var processGroup: pid_t = 0

    public var url: String { "redis://127.0.0.1:\(self.port)" }
    private var configurationFile: String { self.directory.appendingPathComponent("redis.conf").path }
    private var logFile: String { self.directory.appendingPathComponent("redis.log").path }

    /// Starts a server with `directives` added to its configuration and waits until it is ready.
    public static func start(_ directives: [String] = [], sentinel: Bool = false) async throws -> RedisServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("resp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let server = RedisServer(directory: directory, directives: directives, sentinel: sentinel)
        // A port found free can be taken again before the server binds it (by a parallel test or an
        // outgoing connection); the server then exits and another port is tried. Under scripts/test,
        // with the cluster and other suites' servers up, that happens often enough to need several tries.
        for _ in 0..<20 {
            server.port = try await Self.freePort()
            if try await server.launch() { return server }
        }
        server.stop()
        throw ServerUnavailable("redis-server found no free port")
    }

    private init(directory: URL, directives: [String], sentinel: Bool) {
        self.port = 0
        self.directory = directory
        self.directives = directives
        self.sentinel = sentinel
    }

    /// Kills the server's process group with SIGKILL, as a crash would, and waits for it to exit.
    public func crash() {
        guard self.processGroup > 0 else { return }
        _ = kill(-self.processGroup, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(self.processGroup, &status, 0)
        self.processGroup = 0
    }

    /// Starts the server again on the same port and folder.
    public func restart() async throws {
        self.crash()
        guard try await self.launch() else {
            throw ServerUnavailable("redis-server could not listen on port \(self.port) again:\n\(self.log)")
        }
    }

    /// Stops the server with SIGSTOP: it keeps its connections and answers nothing, as a
    /// machine that hangs would, until ``resume()``.
    public func suspend() {
        guard self.processGroup > 0 else { return }
        _ = kill(-self.processGroup, SIGSTOP)
    }

    public func resume() {
        guard self.processGroup > 0 else { return }
        _ = kill(-self.processGroup, SIGCONT)
    }

    public func stop() {
        self.crash()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Starts the process; `false` when it exited before it was ready (its port was taken).
    private func launch() async throws -> Bool {
        guard let executable = Self.executable else {
            throw ServerUnavailable("redis-server is not installed, but CI or TESSERA_REQUIRE_SERVERS requires it")
        }
        let configuration = [
            "port \(self.port)", "bind 127.0.0.1", "save \"\"", "appendonly no", "daemonize no",
            "dir \(self.directory.path)", "logfile \(self.logFile)",
        ]
        try (configuration + self.directives).joined(separator: "\n")
            .write(toFile: self.configurationFile, atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: self.logFile)
        self.processGroup = try Self.spawn(executable, [self.configurationFile] + (self.sentinel ? ["--sentinel"] : []))
        return try await self.waitUntilReady()
    }

    private static func spawn(_ executable: String, _ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Process group 0 makes the server the leader of a new group, so crash() reaches it and anything it forks.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let arguments: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { (argument: String) in
            strdup(argument)
        }
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, arguments + [nil], environ)
        guard result == 0 else { throw ServerUnavailable("posix_spawn failed with \(result)") }
        return pid
    }

    /// Waits for this server's own log to say it listens: a connection alone could reach another
    /// server that holds the same port. A sentinel logs its id once it listens.
    private func waitUntilReady() async throws -> Bool {
        let ready = self.sentinel ? "Sentinel ID is" : "Ready to accept connections"
        for _ in 0..<400 {
            var status: Int32 = 0
            if waitpid(self.processGroup, &status, WNOHANG) == self.processGroup {
                self.processGroup = 0
                return false
            }
            if self.log.contains(ready) { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        self.crash()
        throw ServerUnavailable("redis-server did not become ready on port \(self.port):\n\(self.log)")
    }

    private var log: String {
        (try? String(contentsOfFile: self.logFile, encoding: .utf8)) ?? ""
    }

    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close().get()
        return port
    }
}

public struct ServerUnavailable: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs `body` against a fresh server, stopping the server however `body` ends.
public func withRedisServer(_ directives: [String] = [], _ body: (RedisServer) async throws -> Void) async throws {
    let server = try await RedisServer.start(directives)
    defer { server.stop() }
    try await body(server)
}

/// The Redis Cluster that scripts/test starts (three primaries, three replicas), named by
/// `TESSERA_TEST_REDIS_CLUSTER_URL`; there is no cluster to start from a test of its own.
public enum RedisClusterServers {
    public static let url = ProcessInfo.processInfo.environment["TESSERA_TEST_REDIS_CLUSTER_URL"]

    public static let shouldRun = url != nil || RedisServer.isRequired

    public static func requireURL() throws -> String {
        guard let url else { throw ServerUnavailable("TESSERA_TEST_REDIS_CLUSTER_URL is not set but servers are required") }
        return url
    }
}

/// Waits (up to 10 s) until `replicationInfo` (a primary's `INFO replication`, asked through
/// whichever client the caller has) shows a connected replica that finished its sync.
public func waitForReplicaOnline(_ replicationInfo: () async throws -> String) async throws {
    for _ in 0..<200 {
        let info = try await replicationInfo()
        let connected = info.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("connected_slaves:") && !$0.hasSuffix(":0") }
        if connected, info.contains("state=online") { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw ServerUnavailable("the replica never came online")
}
