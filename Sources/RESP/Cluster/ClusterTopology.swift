/// Which primary serves each of the 16384 slots, read from `CLUSTER SHARDS` (Redis 7) or
/// `CLUSTER SLOTS` (older servers).
struct ClusterTopology: Sendable {
    /// The primary of each slot; `nil` for a slot no node serves.
    private(set) var primaries: [RedisEndpoint?]
    /// How many healthy replicas each primary has.
    private var replicaCounts: [RedisEndpoint: Int] = [:]

    init() {
        self.primaries = Array(repeating: nil, count: RedisHashSlot.count)
    }

    func replicas(of primary: RedisEndpoint) -> Int {
        self.replicaCounts[primary] ?? 0
    }

    func primary(of slot: RedisHashSlot) -> RedisEndpoint? {
        self.primaries[slot.rawValue]
    }

    /// Every primary that serves at least one slot.
    var nodes: [RedisEndpoint] {
        var seen = Set<RedisEndpoint>()
        return self.primaries.compactMap { $0 }.filter { seen.insert($0).inserted }
    }

    mutating func assign(_ slot: Int, to node: RedisEndpoint) {
        self.primaries[slot] = node
    }

    private mutating func assign(_ range: ClosedRange<Int>, to node: RedisEndpoint) throws {
        guard range.lowerBound >= 0, range.upperBound < RedisHashSlot.count else {
            throw RedisClientError.protocolError("the cluster named a slot outside 0…16383")
        }
        for slot in range { self.primaries[slot] = node }
    }

    /// Reads a `CLUSTER SHARDS` reply: per shard a map with `slots` (start, end, start, end …) and
    /// `nodes` (maps with `ip` or `endpoint`, `port`, `role` and `health`). A node that answered
    /// with an empty or `?` address is `answeredBy`'s host. With `tls`, a node's `tls-port` is
    /// taken when it has one (a node listening for TLS only reports no `port`).
    init(shards reply: RESPValue, answeredBy seed: RedisEndpoint, tls: Bool = false) throws {
        self.init()
        guard let shards = reply.array else { throw Self.unexpected("CLUSTER SHARDS") }
        for shard in shards {
            let fields = Self.fields(shard)
            let nodes = fields["nodes"]?.array?.map(Self.fields) ?? []
            let online = nodes.filter { ($0["health"]?.string ?? "online") == "online" }
            let primary = online.first { $0["role"]?.string == "master" }
            guard let primary, let slots = fields["slots"]?.array?.compactMap(\.int), slots.count.isMultiple(of: 2),
                let endpoint = Self.endpoint(
                    host: primary["ip"]?.string ?? primary["endpoint"]?.string,
                    port: (tls ? primary["tls-port"]?.int : nil) ?? primary["port"]?.int,
                    seed: seed
                )
            else { continue }
            self.replicaCounts[endpoint] = online.count { $0["role"]?.string == "replica" }
            for index in stride(from: 0, to: slots.count, by: 2) where slots[index] <= slots[index + 1] {
                try self.assign(slots[index]...slots[index + 1], to: endpoint)
            }
        }
    }

    /// Reads a `CLUSTER SLOTS` reply: per range `[start, end, [host, port, id], replicas …]`
    /// (which lists only replicas that are not failing).
    init(slots reply: RESPValue, answeredBy seed: RedisEndpoint) throws {
        self.init()
        guard let ranges = reply.array else { throw Self.unexpected("CLUSTER SLOTS") }
        for range in ranges {
            guard let parts = range.array, parts.count >= 3, let start = parts[0].int, let end = parts[1].int,
                start <= end, let node = parts[2].array, node.count >= 2,
                let endpoint = Self.endpoint(host: node[0].string, port: node[1].int, seed: seed)
            else { continue }
            self.replicaCounts[endpoint] = parts.count - 3
            try self.assign(start...end, to: endpoint)
        }
    }

    private static func fields(_ value: RESPValue) -> [String: RESPValue] {
        var fields: [String: RESPValue] = [:]
        for (key, value) in value.map ?? [] {
            if let key = key.string { fields[key] = value }
        }
        return fields
    }

    private static func endpoint(host: String?, port: Int?, seed: RedisEndpoint) -> RedisEndpoint? {
        guard let port, (1...65535).contains(port) else { return nil }
        let host = host ?? ""
        return RedisEndpoint(host: host.isEmpty || host == "?" ? seed.host : host, port: port)
    }

    private static func unexpected(_ command: String) -> RedisClientError {
        .protocolError("\(command) answered with something other than an array")
    }
}
