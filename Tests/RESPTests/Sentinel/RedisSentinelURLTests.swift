import Testing

import RESP

@Suite("Redis Sentinel URL")
struct RedisSentinelURLTests {
    @Test("the hosts are sentinels on 26379 unless given, and the path names the master and the database")
    func everyPart() throws {
        let configuration = try RedisConfiguration(
            url: "redis+sentinel://app:data%40pw@10.0.0.1,10.0.0.2:26380,[::1]/tessera%20main/3?timeout=250ms&sentinel_username=watch&sentinel_password=s%3Apw"
        )
        let sentinel = try #require(configuration.sentinel)
        #expect(sentinel.masterName == "tessera main")
        #expect(sentinel.sentinels == [
            RedisEndpoint(host: "10.0.0.1", port: 26379),
            RedisEndpoint(host: "10.0.0.2", port: 26380),
            RedisEndpoint(host: "::1", port: 26379),
        ])
        #expect(sentinel.username == "watch")
        #expect(sentinel.password == "s:pw")
        // The credentials before @ and the database are the data nodes'.
        #expect(configuration.username == "app")
        #expect(configuration.password == "data@pw")
        #expect(configuration.database == 3)
        #expect(configuration.commandTimeout == .milliseconds(250))
        #expect(configuration.additionalSeeds.isEmpty)
        #expect(configuration.tls == nil)
    }

    @Test("without sentinel credentials the sentinels are asked without logging in; the database defaults to 0")
    func defaults() throws {
        let configuration = try RedisConfiguration(url: "redis+sentinel://:pw@sentinel.internal/tessera")
        let sentinel = try #require(configuration.sentinel)
        #expect(sentinel == RedisSentinelConfiguration(masterName: "tessera", sentinels: [RedisEndpoint(host: "sentinel.internal", port: 26379)]))
        #expect(configuration.password == "pw")
        #expect(configuration.database == 0)
        #expect(try RedisConfiguration(url: "redis://cache.internal").sentinel == nil)
    }

    @Test("rediss+sentinel:// turns TLS on for sentinels and data nodes alike")
    func tls() throws {
        let configuration = try RedisConfiguration(url: "REDISS+SENTINEL://10.0.0.1/tessera?ca_file=%2Fetc%2Fca.pem&server_name=redis.internal")
        #expect(configuration.tls != nil)
        #expect(configuration.tlsServerName == "redis.internal")
        #expect(configuration.sentinel?.masterName == "tessera")
    }

    @Test(
        "a Sentinel URL with a wrong part is refused, saying which, without quoting the passwords",
        arguments: [
            ("redis+sentinel://:secret@10.0.0.1", "the master name is missing, as in redis+sentinel://host:26379/mymaster"),
            ("redis+sentinel://:secret@10.0.0.1/", "the master name is missing, as in redis+sentinel://host:26379/mymaster"),
            ("redis+sentinel://:secret@10.0.0.1/tessera/x", "the database must be a number, as in redis://host/2"),
            ("redis+sentinel://:secret@10.0.0.1/tessera/1/2", "only a database may follow the master name, as in redis+sentinel://host/mymaster/2"),
            ("redis+sentinel://:secret@10.0.0.1:0/tessera", "the port must be a number from 1 to 65535"),
            ("redis+sentinel://:secret@10.0.0.1,/tessera", "the host is missing"),
            ("redis+sentinel://10.0.0.1/tessera?sentinel_password=", "sentinel_password must not be empty"),
            ("redis+sentinel://10.0.0.1/tessera?sentinel_username=watch", "sentinel_username needs sentinel_password"),
            ("redis+sentinel://10.0.0.1/tessera?sentinel_password=bad%zzsecret", "a % must be followed by two hexadecimal digits"),
            ("redis://:secret@10.0.0.1?sentinel_password=secret", "sentinel_password needs a redis+sentinel:// URL"),
            ("redis-sentinel://:secret@10.0.0.1/tessera", "the scheme must be redis://, rediss://, redis+sentinel:// or rediss+sentinel://"),
        ]
    )
    func malformed(url: String, reason: String) {
        #expect(throws: RedisClientError.invalidURL(reason)) {
            _ = try RedisConfiguration(url: url)
        }
        #expect(!reason.contains("secret"))
    }
}
