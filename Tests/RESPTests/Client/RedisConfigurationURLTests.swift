import Testing

import NIOSSL
import RESP

@Suite("Redis URL")
struct RedisConfigurationURLTests {
    @Test("a host alone takes the defaults")
    func defaults() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.internal")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6379)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.database == 0)
        #expect(configuration.commandTimeout == .seconds(2))
        #expect(configuration.connectTimeout == .seconds(2))
        #expect(configuration.maximumConnections == 8)
    }

    @Test("comma-separated hosts are cluster seeds, each with its own port or 6379")
    func seeds() throws {
        let configuration = try RedisConfiguration(url: "redis://:pw@10.0.0.1:7000,10.0.0.2,[::1]:7002/0?timeout=1")
        #expect(configuration.host == "10.0.0.1")
        #expect(configuration.port == 7000)
        #expect(configuration.password == "pw")
        #expect(configuration.seeds == [
            RedisEndpoint(host: "10.0.0.1", port: 7000),
            RedisEndpoint(host: "10.0.0.2", port: 6379),
            RedisEndpoint(host: "::1", port: 7002),
        ])
        #expect(throws: RedisClientError.invalidURL("the host is missing")) {
            try RedisConfiguration(url: "redis://10.0.0.1:7000,")
        }
    }

    @Test("every part is read and credentials are percent-decoded")
    func everyPart() throws {
        let configuration = try RedisConfiguration(
            url: "REDIS://t%C3%A9ssera:p%40ss%3Aw%2Frd@10.0.0.5:6380/3?timeout=250ms&connect_timeout=1.5"
        )
        #expect(configuration.host == "10.0.0.5")
        #expect(configuration.port == 6380)
        #expect(configuration.username == "téssera")
        #expect(configuration.password == "p@ss:w/rd")
        #expect(configuration.database == 3)
        #expect(configuration.commandTimeout == .milliseconds(250))
        #expect(configuration.connectTimeout == .milliseconds(1500))
    }

    @Test("a password alone authenticates the default user")
    func passwordOnly() throws {
        let configuration = try RedisConfiguration(url: "redis://:secret@localhost/")
        #expect(configuration.username == nil)
        #expect(configuration.password == "secret")
        #expect(configuration.database == 0)
    }

    @Test("an unescaped @, / or ? in the password still parses")
    func unescapedPassword() throws {
        let configuration = try RedisConfiguration(url: "redis://:a@b/c?d@localhost:7000/1")
        #expect(configuration.password == "a@b/c?d")
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 7000)
        #expect(configuration.database == 1)
    }

    @Test("IPv6 addresses are written in brackets")
    func ipv6() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:6390?timeout=3s")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 6390)
        #expect(configuration.commandTimeout == .seconds(3))
        #expect(try RedisConfiguration(url: "redis://[fe80::1]").port == 6379)
    }

    @Test(
        "malformed URLs are refused without quoting them",
        arguments: [
            "localhost:6379", "http://localhost", "redis://", "redis://:6379", "redis://host:0", "redis://host:65536",
            "redis://host:port", "redis://host/-1", "redis://host/db", "redis://user@host", "redis://user:@host",
            "redis://:bad%zzsecret@host", "redis://:%FFsecret@host", "redis://[::1", "redis://[::1]x",
            "redis://host?timeout=0", "redis://host?timeout=fast", "redis://host?timeout", "redis://host?tls=true",
        ]
    )
    func malformed(url: String) {
        #expect {
            _ = try RedisConfiguration(url: url)
        } throws: { error in
            guard case .invalidURL(let reason) = error as? RedisClientError else { return false }
            return !reason.contains("secret")
        }
    }

    @Test("rediss:// turns TLS on, verifying against the system's roots unless ca_file names others")
    func tls() throws {
        #expect(try RedisConfiguration(url: "redis://cache.internal:6380").tls == nil)

        let system = try RedisConfiguration(url: "rediss://cache.internal:6380")
        let tls = try #require(system.tls)
        #expect(tls.certificateVerification == .fullVerification)
        guard case .default = tls.trustRoots else {
            Issue.record("expected the system's trust roots, got \(String(describing: tls.trustRoots))")
            return
        }
        #expect(system.tlsServerName == nil)

        let own = try RedisConfiguration(url: "rediss://:pw@10.0.0.5:6380/2?ca_file=%2Fetc%2Fredis%2Fca%20file.pem&server_name=cache.internal&timeout=1s")
        guard case .file(let path) = own.tls?.trustRoots else {
            Issue.record("expected ca_file's roots, got \(String(describing: own.tls?.trustRoots))")
            return
        }
        #expect(path == "/etc/redis/ca file.pem")
        #expect(own.tlsServerName == "cache.internal")
        #expect(own.host == "10.0.0.5" && own.database == 2 && own.password == "pw" && own.commandTimeout == .seconds(1))
    }

    @Test("TLS options need rediss:// and a value")
    func tlsOptionsNeedTLS() {
        #expect(throws: RedisClientError.invalidURL("ca_file needs a rediss:// URL")) {
            _ = try RedisConfiguration(url: "redis://cache.internal:6380?ca_file=/etc/redis/ca.pem")
        }
        #expect(throws: RedisClientError.invalidURL("server_name must not be empty")) {
            _ = try RedisConfiguration(url: "rediss://cache.internal:6380?server_name=")
        }
        #expect(throws: RedisClientError.invalidURL("the scheme must be redis://, rediss://, redis+sentinel:// or rediss+sentinel://")) {
            _ = try RedisConfiguration(url: "http://cache.internal:6380")
        }
    }
}
