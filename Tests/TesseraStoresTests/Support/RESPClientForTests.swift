import RESP

enum RESPClientForTests {
    /// A client of port 1 on loopback, where nothing listens: every connection is refused at once.
    static func unreachable() -> RedisClient {
        RedisClient(configuration: try! RedisConfiguration(url: "redis://127.0.0.1:1"))
    }
}
