import NIOCore
import Testing

@testable import RESP

@Suite("Pub/sub frames")
struct PubSubEventTests {
    @Test("RESP3 pushes and RESP2 arrays carry the same messages")
    func messages() {
        for frame: RESPValue in [
            .push([.bulk("message"), .bulk("news"), .bulk("hi")]),
            .array([.bulk("message"), .bulk("news"), .bulk("hi")]),
            .push([.bulk("smessage"), .bulk("news"), .bulk("hi")]),
        ] {
            guard case .message(let channel, let payload) = PubSubEvent(frame: frame) else {
                Issue.record("no message read from \(frame)")
                continue
            }
            #expect(channel == "news")
            #expect(payload == ByteBuffer(string: "hi"))
        }
    }

    @Test("confirmations, unsubscriptions and errors are told apart; pongs are ignored")
    func control() {
        let subscribed = PubSubEvent(frame: .push([.bulk("ssubscribe"), .bulk("a"), .integer(1)]))
        guard case .subscribed("a") = subscribed else {
            Issue.record("expected subscribed, got \(String(describing: subscribed))")
            return
        }
        let unsubscribed = PubSubEvent(frame: .array([.bulk("unsubscribe"), .bulk("a"), .integer(0)]))
        guard case .unsubscribed("a") = unsubscribed else {
            Issue.record("expected unsubscribed, got \(String(describing: unsubscribed))")
            return
        }
        guard case .error("NOPERM no") = PubSubEvent(frame: .simpleError("NOPERM no")) else {
            Issue.record("expected an error")
            return
        }
        #expect(PubSubEvent(frame: .array([.bulk("pong"), .bulk("")])) == nil)
    }
}
