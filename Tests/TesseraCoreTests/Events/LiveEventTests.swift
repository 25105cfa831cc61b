import Testing
import TesseraCore

@Suite struct LiveEventTests {
    @Test(arguments: [
        LiveEvent(userID: "u", sessionID: "s", kind: .sessionEnded(.replaced)),
        LiveEvent(userID: "u", sessionID: "s", kind: .sessionCreated(device: "web", deviceName: nil, ip: nil)),
        LiveEvent(userID: "u", sessionID: nil, kind: .push(event: "a.b", data: #"["x",{"y":null}]"#)),
    ])
    func everyKindSurvivesTheTripBetweenNodes(_ event: LiveEvent) {
        #expect(LiveEvent(decoding: event.encoded()) == event)
    }

    @Test(arguments: [
        "", "{}", "null", #"{"type":"session.ended","userID":"u","reason":"NOPE"}"#,
        #"{"type":"push","userID":"u","event":"e"}"#, #"{"type":"teleport","userID":"u"}"#, "\u{FF}\u{FE}",
    ])
    func whatIsNotAnEventIsRefused(_ text: String) {
        #expect(LiveEvent(decoding: Array(text.utf8)) == nil)
    }

    @Test func eachKindConcernsItsOwnSessions() {
        let ended = LiveEvent(userID: "u", sessionID: "s1", kind: .sessionEnded(.kickedOut))
        #expect(ended.concerns(session: "s1"))
        #expect(!ended.concerns(session: "s2"))
        let created = LiveEvent(userID: "u", sessionID: "s1", kind: .sessionCreated(device: "web", deviceName: nil, ip: nil))
        #expect(!created.concerns(session: "s1"))
        #expect(created.concerns(session: "s2"))
        let push = LiveEvent(userID: "u", sessionID: nil, kind: .push(event: "e", data: "1"))
        #expect(push.concerns(session: "s1") && push.concerns(session: "s2"))
    }
}
