import NIOPosix
import RESP

/// The keys matching `pattern` on the server at `url`; on a cluster, on every primary, since
/// `KEYS` only sees the node it is sent to.
func everyKey(matching pattern: String, url: String) async throws -> [String] {
    let configuration = try RedisConfiguration(url: url)
    let seed = try await RedisConnection.connect(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
    var nodes = [(configuration.host, configuration.port)]
    if let shards = try? await seed.send(RedisCommand(["CLUSTER", "SHARDS"]), timeout: .seconds(2)).array {
        nodes = shards.compactMap { shard in
            let fields = Dictionary(shard.map?.compactMap { pair in pair.key.string.map { ($0, pair.value) } } ?? []) { a, _ in a }
            let primary = fields["nodes"]?.array?.first { node in
                node.map?.contains { $0.key.string == "role" && $0.value.string == "master" } == true
            }
            let field = { (name: String) in primary?.map?.first { $0.key.string == name }?.value }
            guard let host = field("ip")?.string, let port = field("port")?.int else { return nil }
            return (host, port)
        }
    }
    await seed.close()
    var keys: [String] = []
    for (host, port) in nodes {
        var node = configuration
        node.host = host
        node.port = port
        let connection = try await RedisConnection.connect(configuration: node, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        keys += (try await connection.send(RedisCommand(["KEYS", pattern]), timeout: .seconds(2)).array ?? []).compactMap(\.string)
        await connection.close()
    }
    return keys
}
