import Testing

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

    @Test("rediss:// is refused with a message about TLS")
    func tls() {
        #expect(throws: RedisClientError.invalidURL("rediss:// (TLS) is not supported yet")) {
            _ = try RedisConfiguration(url: "rediss://cache.internal:6380")
        }
    }
}
