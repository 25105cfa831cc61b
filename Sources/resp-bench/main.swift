// Pipelined GET throughput of the RESP client, for bench/resp.sh to compare with
// `redis-benchmark -c <clients> -P <depth>` on the same server.
//
//   resp-bench <redis-url> <requests> <clients> <depth> [pipeline|concurrent]
//
// Runs the load the way redis-benchmark does: <clients> clients, each a `RedisClient` with its
// own connection, on a one-thread event loop group (redis-benchmark is one thread too) with the
// clients' tasks running on that event loop. Prints the requests per second.
//
// - pipeline (the default) is redis-benchmark's `-P <depth>`: each client sends <depth> GETs as
//   one pipeline (`RedisClient.pipeline`), waits for their replies, and sends the next.
// - concurrent keeps <depth> GETs in flight per client from <depth> tasks, each sending one
//   command at a time (`RedisClient.send`): the client pipelines them itself, the way a server's
//   concurrent requests share a connection.
import NIOCore
import NIOPosix
import RESP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
let mode = arguments.count == 6 ? arguments[5] : "pipeline"
guard arguments.count == 5 || arguments.count == 6, let requests = Int(arguments[2]), let clients = Int(arguments[3]),
    let depth = Int(arguments[4]), requests > 0, clients > 0, depth > 0, ["pipeline", "concurrent"].contains(mode)
else {
    print("usage: resp-bench <redis-url> <requests> <clients> <depth> [pipeline|concurrent]")
    exit(2)
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
var configuration = try RedisConfiguration(url: arguments[1])
configuration.maximumConnections = 1
var connections: [RedisClient] = []
for _ in 0..<clients {
    let client = RedisClient(configuration: configuration, eventLoopGroup: group)
    // Opens the client's connection before the clock starts.
    try await client.send("SET", "resp-bench:key", "xxx")
    connections.append(client)
}

let executor = EventLoopExecutor(group.next())
let perLoop = requests / (clients * depth)
let get = RedisCommand(["GET", "resp-bench:key"])
let batch = Array(repeating: get, count: depth)
let clock = ContinuousClock()
let started = clock.now
try await withThrowingTaskGroup(of: Void.self) { tasks in
    for client in connections {
        if mode == "pipeline" {
            tasks.addTask(executorPreference: executor) {
                for _ in 0..<perLoop {
                    for reply in try await client.pipeline(batch) { _ = try reply.get() }
                }
            }
            continue
        }
        for _ in 0..<depth {
            tasks.addTask(executorPreference: executor) {
                for _ in 0..<perLoop {
                    _ = try await client.send(get)
                }
            }
        }
    }
    try await tasks.waitForAll()
}
let elapsed = clock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(Int(Double(perLoop * clients * depth) / seconds))
for client in connections {
    await client.close()
}
try await group.shutdownGracefully()
