/// A primary managed by Redis Sentinel: which sentinels to ask, for which master name, and how to
/// log in to them.
///
/// With it set on a ``RedisConfiguration``, a ``RedisClient`` asks the sentinels for the primary's
/// address instead of connecting to ``RedisConfiguration/host``, and follows the primary when they
/// fail it over. The configuration's own `username`, `password` and `database` are still the data
/// nodes' (the primary's and its replicas'); the sentinels have their own credentials here.
///
/// ```swift
/// var configuration = RedisConfiguration(password: "data-secret")
/// configuration.sentinel = RedisSentinelConfiguration(
///     masterName: "tessera",
///     sentinels: [RedisEndpoint(host: "10.0.0.1", port: 26379), RedisEndpoint(host: "10.0.0.2", port: 26379)],
///     password: "sentinel-secret"
/// )
/// let client = RedisClient(configuration: configuration)
/// ```
///
/// A URL says the same: `redis+sentinel://:data-secret@10.0.0.1,10.0.0.2/tessera?sentinel_password=sentinel-secret`
/// (see ``RedisConfiguration/init(url:)``).
public struct RedisSentinelConfiguration: Sendable, Equatable {
    /// The name the sentinels monitor the primary under (`sentinel monitor <name> …`).
    public var masterName: String
    /// The sentinels, asked in turn; the one that last answered is asked first next time.
    public var sentinels: [RedisEndpoint]
    /// The ACL user for the sentinels; `nil` authenticates as `default` when a password is set.
    public var username: String?
    /// The sentinels' password (their `requirepass`); `nil` asks them without logging in.
    public var password: String?

    /// The port sentinels listen on unless told otherwise.
    public static let defaultPort = 26379

    public init(masterName: String, sentinels: [RedisEndpoint], username: String? = nil, password: String? = nil) {
        self.masterName = masterName
        self.sentinels = sentinels
        self.username = username
        self.password = password
    }
}
