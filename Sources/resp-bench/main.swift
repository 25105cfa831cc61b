// Pipelined GET throughput of the RESP client, for bench/resp.sh to compare with
// `redis-benchmark -c <clients> -P <depth>` on the same server.
//
//   resp-bench <redis-url> <requests> <clients> <depth>
//
// Runs the load the way redis-benchmark does: <clients> clients, each a `RedisClient` with its
// own connection, each keeping <depth> GETs of one key in flight (one loop per command in
// flight), on a one-thread event loop group (redis-benchmark is one thread too) with the
// loops' tasks running on that event loop. Prints the requests per second.
import NIOCore
import NIOPosix
import RESP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
guard arguments.count == 5, let requests = Int(arguments[2]), let clients = Int(arguments[3]), let depth = Int(arguments[4]),
    requests > 0, clients > 0, depth > 0
else {
    print("usage: resp-bench <redis-url> <requests> <clients> <depth>")
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
let clock = ContinuousClock()
let started = clock.now
try await withThrowingTaskGroup(of: Void.self) { tasks in
    for client in connections {
        for _ in 0..<depth {
            tasks.addTask(executorPreference: executor) {
                for _ in 0..<perLoop {
                    _ = try await client.send("GET", "resp-bench:key")
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
