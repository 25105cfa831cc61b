import NIOCore
import Testing

@testable import RESP

@Suite("Cluster slot map")
struct ClusterTopologyTests {
    /// A `CLUSTER SHARDS` reply of one shard serving every slot, its primary listening on
    /// `port` in clear and on `tlsPort` with TLS (either may be left out, as Redis does).
    static func shards(port: Int?, tlsPort: Int?) -> RESPValue {
        var node: [(key: RESPValue, value: RESPValue)] = [
            (.bulk("ip"), .bulk("10.0.0.1")), (.bulk("role"), .bulk("master")), (.bulk("health"), .bulk("online")),
        ]
        if let port { node.append((.bulk("port"), .integer(port))) }
        if let tlsPort { node.append((.bulk("tls-port"), .integer(tlsPort))) }
        return .array([.map([
            (.bulk("slots"), .array([.integer(0), .integer(16383)])),
            (.bulk("nodes"), .array([.map(node)])),
        ])])
    }

    @Test("a TLS client is routed to the nodes' TLS ports, a plain one to their plain ports")
    func tlsPorts() throws {
        let seed = RedisEndpoint(host: "10.0.0.1", port: 7000)
        let both = Self.shards(port: 7000, tlsPort: 7100)
        #expect(try ClusterTopology(shards: both, answeredBy: seed, tls: true).nodes == [RedisEndpoint(host: "10.0.0.1", port: 7100)])
        #expect(try ClusterTopology(shards: both, answeredBy: seed, tls: false).nodes == [RedisEndpoint(host: "10.0.0.1", port: 7000)])
        let tlsOnly = Self.shards(port: nil, tlsPort: 7100)
        #expect(try ClusterTopology(shards: tlsOnly, answeredBy: seed, tls: true).nodes == [RedisEndpoint(host: "10.0.0.1", port: 7100)])
        // A server that reports no TLS port is reached where it listens.
        let plainOnly = Self.shards(port: 7000, tlsPort: nil)
        #expect(try ClusterTopology(shards: plainOnly, answeredBy: seed, tls: true).nodes == [RedisEndpoint(host: "10.0.0.1", port: 7000)])
    }
}
