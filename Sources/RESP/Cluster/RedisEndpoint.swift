/// A server's address: one node of a cluster, or a seed named in the configuration.
///
/// ```swift
/// var configuration = try RedisConfiguration(url: "redis://10.0.0.1:7000,10.0.0.2:7000")
/// configuration.seeds   // [10.0.0.1:7000, 10.0.0.2:7000]
/// ```
public struct RedisEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
