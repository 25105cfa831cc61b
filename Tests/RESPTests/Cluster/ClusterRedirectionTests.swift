import Testing

@testable import RESP

@Suite("MOVED and ASK replies")
struct ClusterRedirectionTests {
    let node = RedisEndpoint(host: "10.0.0.9", port: 7000)

    @Test("MOVED and ASK name the slot and the node")
    func parses() {
        let moved = ClusterRedirection(errorMessage: "MOVED 3999 127.0.0.1:6381", answeredBy: self.node)
        #expect(moved?.kind == .moved)
        #expect(moved?.slot == 3999)
        #expect(moved?.endpoint == RedisEndpoint(host: "127.0.0.1", port: 6381))
        let ask = ClusterRedirection(errorMessage: "ASK 0 [::1]:7002", answeredBy: self.node)
        #expect(ask?.kind == .ask)
        #expect(ask?.slot == 0)
        #expect(ask?.endpoint == RedisEndpoint(host: "::1", port: 7002))
    }

    @Test("an empty host means the node that answered")
    func unknownEndpoint() {
        let moved = ClusterRedirection(errorMessage: "MOVED 16383 :7005", answeredBy: self.node)
        #expect(moved?.endpoint == RedisEndpoint(host: "10.0.0.9", port: 7005))
    }

    @Test("other errors and malformed redirections are not redirections", arguments: [
        "ERR unknown command", "MOVED", "MOVED 16384 127.0.0.1:7000", "MOVED x 127.0.0.1:7000",
        "ASK 1 127.0.0.1", "ASK 1 127.0.0.1:0", "TRYAGAIN Multiple keys request during rehashing of slot",
    ])
    func rejects(message: String) {
        #expect(ClusterRedirection(errorMessage: message, answeredBy: self.node) == nil)
    }
}
