import NIOSSL

/// Where the server is, how to log in, and how long to wait for it.
///
/// Build one from a URL, usually taken from the environment, then adjust what the URL cannot say:
///
/// ```swift
/// var configuration = try RedisConfiguration(url: "redis://tessera:s3cr%40t@cache.internal:6379/2?timeout=500ms")
/// configuration.maximumConnections = 4
/// let client = RedisClient(configuration: configuration)
/// ```
public struct RedisConfiguration: Sendable {
    /// The server; on a Redis Cluster, the first node asked for the slot map. Not used while
    /// ``sentinel`` is set: the sentinels name the server.
    public var host: String
    public var port: Int
    /// More cluster nodes to ask for the slot map when the first one cannot be reached; a URL
    /// names them after the first, comma-separated.
    public var additionalSeeds: [RedisEndpoint]
    /// The ACL user; `nil` authenticates as `default` when a password is set.
    public var username: String?
    /// When set, the connection authenticates before any command.
    public var password: String?
    /// Selected on every new connection.
    public var database: Int
    /// How long a command may wait for its reply; the connection is closed when it runs out.
    public var commandTimeout: Duration
    /// How long opening a connection may take, including `HELLO`, `AUTH` and `SELECT`.
    public var connectTimeout: Duration
    /// The most connections a ``RedisClient`` opens (at least one), never more than one per event loop.
    public var maximumConnections: Int
    /// How long a client waits after a failed connection attempt before it makes another: this
    /// long after the first failure, twice as long after each failure that follows, never longer
    /// than ``maximumReconnectDelay``, each wait cut to a random share between half and all of it.
    /// Meanwhile commands that need a new connection fail at once with the last attempt's error
    /// (or use another event loop's open connection), so an outage costs callers no waiting and
    /// the server no storm of connects when it comes back. `.zero` turns the wait off.
    public var reconnectDelay: Duration
    /// The longest wait between connection attempts; see ``reconnectDelay``.
    public var maximumReconnectDelay: Duration
    /// Bounds on what the server may send; see ``RESPDecodingLimits``.
    public var decodingLimits: RESPDecodingLimits
    /// How many received messages a ``RedisSubscription`` holds for a slow consumer before it ends
    /// with ``RedisClientError/subscriberTooSlow``.
    public var subscriptionBufferSize: Int
    /// TLS for every connection (pooled, subscriber and cluster nodes) when set; `rediss://` sets
    /// it. The server's certificate is verified against ``host`` (its IP address when the host is
    /// one) unless the configuration says otherwise; set trust roots, a client certificate or
    /// ``tlsServerName`` here for what a URL cannot say.
    ///
    /// ```swift
    /// var configuration = try RedisConfiguration(url: "rediss://cache.internal:6380")
    /// configuration.tls?.certificateChain = try NIOSSLCertificate.fromPEMFile("client.pem").map { .certificate($0) }
    /// configuration.tls?.privateKey = .file("client.key")
    /// ```
    public var tls: TLSConfiguration?
    /// The name the server's certificate must carry (and the SNI sent), when it is not ``host``:
    /// for instance when connecting by IP address to a server whose certificate names it.
    public var tlsServerName: String?
    /// When set, the server is the primary these sentinels name, followed through failovers;
    /// `redis+sentinel://` URLs set it.
    public var sentinel: RedisSentinelConfiguration?

    public init(
        host: String = "localhost",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0
    ) {
        self.host = host
        self.port = port
        self.additionalSeeds = []
        self.username = username
        self.password = password
        self.database = database
        self.commandTimeout = .seconds(2)
        self.connectTimeout = .seconds(2)
        self.maximumConnections = 8
        self.reconnectDelay = .milliseconds(25)
        self.maximumReconnectDelay = .milliseconds(500)
        self.decodingLimits = RESPDecodingLimits()
        self.subscriptionBufferSize = 1024
        self.tls = nil
        self.tlsServerName = nil
        self.sentinel = nil
    }
}

extension RedisConfiguration {
    /// `host:port` followed by ``additionalSeeds``.
    public var seeds: [RedisEndpoint] {
        [RedisEndpoint(host: self.host, port: self.port)] + self.additionalSeeds
    }
}
