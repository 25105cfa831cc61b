// Pipelined GET throughput of the RESP client, for bench/resp.sh to compare with
// `redis-benchmark -P <depth>` on the same server.
//
//   resp-bench <redis-url> <requests> <clients> <depth>
//
// Runs clients × depth concurrent loops of GET on one key over one connection, on a one-thread
// event loop group (redis-benchmark is one thread too) with the loops' tasks running on that
// event loop, so that up to clients × depth commands are in flight, and prints the requests
// per second.
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
let client = RedisClient(configuration: configuration, eventLoopGroup: group)
try await client.send("SET", "resp-bench:key", "xxx")

let executor = EventLoopExecutor(group.next())
let loops = clients * depth
let perLoop = requests / loops
let clock = ContinuousClock()
let started = clock.now
try await withThrowingTaskGroup(of: Void.self) { tasks in
    for _ in 0..<loops {
        tasks.addTask(executorPreference: executor) {
            for _ in 0..<perLoop {
                _ = try await client.send("GET", "resp-bench:key")
            }
        }
    }
    try await tasks.waitForAll()
}
let elapsed = clock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(Int(Double(perLoop * loops) / seconds))
await client.close()
try await group.shutdownGracefully()
