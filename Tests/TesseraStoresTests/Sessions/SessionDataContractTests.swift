import Crypto
import Foundation
import Testing
import TesseraCore
import TesseraStores

/// Session data and anonymous sessions, written once, run against every session store backend.
@Suite struct SessionDataContractTests {
    let tokens = SessionTokens(serverKey: SymmetricKey(size: .bits256))

    struct Harness {
        var store: any SessionStore
        var service: SessionService
        var clock: ManualWallClock
        var close: @Sendable () async -> Void

        func start(_ user: String = "user-\(SecureRandom.identifier(length: 12))", takingDataFrom anonymous: String? = nil) async throws -> SessionService.Started {
            try await service.start(for: user, device: "web", deviceName: nil, ip: "203.0.113.7", userAgent: "test-agent", takingDataFrom: anonymous)
        }

        func visitor(_ key: String = "cart", _ value: String = #"["book"]"#) async throws -> SessionService.Started {
            try await service.startAnonymous(ip: "203.0.113.8", userAgent: "visitor-agent", key: key, value: value)
        }

        func reason(_ token: String) async throws -> RefusalReason? {
            if case .refused(let reason) = try await service.resolve(token: token) { return reason }
            return nil
        }
    }

    func harness(_ backend: SessionStoreBackend, policy: SessionPolicy = SessionPolicy()) throws -> Harness {
        let (store, close) = try backend.makeStore()
        let clock = ManualWallClock(Date())
        return Harness(store: store, service: SessionService(tokens: tokens, store: store, policy: policy, clock: clock), clock: clock, close: close)
    }

    /// The value of `bytes` bytes: a JSON string.
    func value(bytes: Int) -> String {
        "\"" + String(repeating: "x", count: bytes - 2) + "\""
    }

    @Test(arguments: SessionStoreBackend.available)
    func attributesAreWrittenReadReplacedAndRemovedOneByOne(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let started = try await h.start()
        let sessions = h.service
        #expect(try await sessions.attributes(of: started.ref) == [:])
        #expect(try await sessions.attribute("cart", of: started.ref) == nil)

        try await sessions.setAttribute("cart", to: #"{"items":["book"]}"#, of: started.ref)
        try await sessions.setAttribute("theme", to: #""dark""#, of: started.ref)
        try await sessions.setAttribute("wizard:step", to: "3", of: started.ref)
        #expect(try await sessions.attribute("cart", of: started.ref) == #"{"items":["book"]}"#)
        try await sessions.setAttribute("cart", to: #"{"items":[]}"#, of: started.ref)
        #expect(try await sessions.attributes(of: started.ref) == [
            "cart": #"{"items":[]}"#, "theme": #""dark""#, "wizard:step": "3",
        ])

        try await sessions.removeAttribute("theme", of: started.ref)
        try await sessions.removeAttribute("never-written", of: started.ref)
        #expect(try await sessions.attributes(of: started.ref) == ["cart": #"{"items":[]}"#, "wizard:step": "3"])
        guard case .active = try await sessions.resolve(token: started.token) else { Issue.record("data broke the session"); return }
    }

    @Test(arguments: SessionStoreBackend.available)
    func valuesComeBackByteForByte(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let started = try await h.start()
        let values = [#""Grüße, 世界 🙂""#, #""\u0000 and \"quotes\"""#, "null", "-0.5e+10", #"[{"d:":"s:x"}]"#]
        for (index, value) in values.enumerated() {
            try await h.service.setAttribute("v\(index)", to: value, of: started.ref)
        }
        for (index, value) in values.enumerated() {
            #expect(try await h.service.attribute("v\(index)", of: started.ref) == value)
        }
    }

    @Test(arguments: SessionStoreBackend.available)
    func keysOutsideTheRuleAreRefused(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let started = try await h.start()
        for key in ["", ".", "..", "a/b", "a b", "é", String(repeating: "k", count: 65), "d:{u:x}\n"] {
            await #expect(throws: TesseraError.self, "\(key)") { try await h.service.setAttribute(key, to: "1", of: started.ref) }
        }
        try await h.service.setAttribute(String(repeating: "k", count: 64), to: "1", of: started.ref)
        try await h.service.setAttribute("A-z_0.9:x", to: "1", of: started.ref)
        #expect(try await h.service.attributes(of: started.ref).count == 2)
    }

    @Test(arguments: SessionStoreBackend.available)
    func aValueOverItsLimitIsRefusedAndChangesNothing(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(data: SessionDataLimits(maximumValueBytes: 100, maximumAttributes: 4, maximumTotalBytes: 1000)))
        defer { Task { await h.close() } }
        let started = try await h.start()
        try await h.service.setAttribute("cart", to: value(bytes: 100), of: started.ref)
        await #expect(throws: TesseraError.sessionDataTooLarge(.valueSize(maximumBytes: 100))) {
            try await h.service.setAttribute("cart", to: value(bytes: 101), of: started.ref)
        }
        // Counted in UTF-8 bytes, not characters: 50 "é" are 100 bytes, and the quotes 2 more.
        await #expect(throws: TesseraError.sessionDataTooLarge(.valueSize(maximumBytes: 100))) {
            try await h.service.setAttribute("name", to: "\"" + String(repeating: "é", count: 50) + "\"", of: started.ref)
        }
        try await h.service.setAttribute("name", to: "\"" + String(repeating: "é", count: 49) + "\"", of: started.ref)
        #expect(try await h.service.attribute("cart", of: started.ref) == value(bytes: 100))
        guard case .active = try await h.service.resolve(token: started.token) else { Issue.record("session lost"); return }
    }

    @Test(arguments: SessionStoreBackend.available)
    func oneAttributeTooManyIsRefusedButReplacingIsNot(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(data: SessionDataLimits(maximumAttributes: 3)))
        defer { Task { await h.close() } }
        let started = try await h.start()
        for key in ["a", "b", "c"] { try await h.service.setAttribute(key, to: "1", of: started.ref) }
        await #expect(throws: TesseraError.sessionDataTooLarge(.attributeCount(maximum: 3))) {
            try await h.service.setAttribute("d", to: "1", of: started.ref)
        }
        try await h.service.setAttribute("c", to: "2", of: started.ref)
        #expect(try await h.service.attributes(of: started.ref) == ["a": "1", "b": "1", "c": "2"])
        try await h.service.removeAttribute("a", of: started.ref)
        try await h.service.setAttribute("d", to: "1", of: started.ref)
        #expect(try await h.service.attributes(of: started.ref) == ["b": "1", "c": "2", "d": "1"])
    }

    @Test(arguments: SessionStoreBackend.available)
    func theTotalCountsKeysAndValuesAndIsFreedByRemovals(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(data: SessionDataLimits(maximumValueBytes: 100, maximumAttributes: 32, maximumTotalBytes: 250)))
        defer { Task { await h.close() } }
        let started = try await h.start()
        try await h.service.setAttribute("k1", to: value(bytes: 100), of: started.ref)   // 102
        try await h.service.setAttribute("k2", to: value(bytes: 100), of: started.ref)   // 204
        await #expect(throws: TesseraError.sessionDataTooLarge(.totalSize(maximumBytes: 250))) {
            try await h.service.setAttribute("k3", to: value(bytes: 45), of: started.ref)  // 251
        }
        try await h.service.setAttribute("k3", to: value(bytes: 44), of: started.ref)    // 250
        // Replacing counts the new value instead of the old one.
        try await h.service.setAttribute("k1", to: value(bytes: 10), of: started.ref)    // 160
        try await h.service.setAttribute("k4", to: value(bytes: 88), of: started.ref)    // 250
        await #expect(throws: TesseraError.sessionDataTooLarge(.totalSize(maximumBytes: 250))) {
            try await h.service.setAttribute("k5", to: "1", of: started.ref)
        }
        try await h.service.removeAttribute("k2", of: started.ref)                       // 148
        try await h.service.setAttribute("k5", to: value(bytes: 100), of: started.ref)   // 250
        #expect(Set(try await h.service.attributes(of: started.ref).keys) == ["k1", "k3", "k4", "k5"])
    }

    @Test(arguments: SessionStoreBackend.available)
    func aWriteToASessionThatIsNotLiveAnswersItsReasonAndCreatesNothing(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(idleTimeout: .seconds(600)))
        defer { Task { await h.close() } }
        let loggedOut = try await h.start()
        try await h.service.end(token: loggedOut.token, reason: .loggedOut)
        await #expect(throws: TesseraError.refused(.loggedOut)) { try await h.service.setAttribute("a", to: "1", of: loggedOut.ref) }
        await #expect(throws: TesseraError.refused(.loggedOut)) { _ = try await h.service.attributes(of: loggedOut.ref) }
        await #expect(throws: TesseraError.refused(.loggedOut)) { _ = try await h.service.attribute("a", of: loggedOut.ref) }
        await #expect(throws: TesseraError.refused(.loggedOut)) { try await h.service.removeAttribute("a", of: loggedOut.ref) }
        #expect(try await h.reason(loggedOut.token) == .loggedOut)

        let never = tokens.issue(forUserID: "nobody")
        await #expect(throws: TesseraError.refused(.sessionExpired)) { try await h.service.setAttribute("a", to: "1", of: never.ref) }
        #expect(try await h.reason(never.token) == .sessionExpired)

        let idle = try await h.start()
        h.clock.advance(by: .seconds(601))
        await #expect(throws: TesseraError.refused(.sessionExpired)) { try await h.service.setAttribute("a", to: "1", of: idle.ref) }
        #expect(try await h.reason(idle.token) == .sessionExpired)
    }

    @Test(arguments: SessionStoreBackend.available)
    func fiftyConcurrentWritersToFiftyAttributesLoseNone(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(data: SessionDataLimits(maximumAttributes: 50)))
        defer { Task { await h.close() } }
        let started = try await h.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask { try await h.service.setAttribute("item-\(index)", to: "\(index)", of: started.ref) }
            }
            try await group.waitForAll()
        }
        let data = try await h.service.attributes(of: started.ref)
        #expect(data.count == 50)
        #expect(data == Dictionary(uniqueKeysWithValues: (0..<50).map { ("item-\($0)", "\($0)") }))
    }

    @Test(arguments: SessionStoreBackend.available)
    func concurrentWritersCannotTogetherPassTheCountLimit(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(data: SessionDataLimits(maximumAttributes: 10)))
        defer { Task { await h.close() } }
        let started = try await h.start()
        let stored = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<30 {
                group.addTask { (try? await h.service.setAttribute("k\(index)", to: "1", of: started.ref)) != nil }
            }
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(stored == 10)
        #expect(try await h.service.attributes(of: started.ref).count == 10)
    }

    @Test(arguments: SessionStoreBackend.available)
    func anAnonymousSessionHoldsDataButNoUser(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(idleTimeout: .seconds(1800), anonymousIdleTimeout: .seconds(600)))
        defer { Task { await h.close() } }
        let visitor = try await h.visitor()
        guard case .active(let session) = try await h.service.resolve(token: visitor.token) else { Issue.record("not active"); return }
        #expect(session.userID == nil && session.isAnonymous)
        #expect(session.ip == "203.0.113.8")
        #expect(session.idleTimeout == .seconds(600))
        #expect(try await h.service.attributes(of: visitor.ref) == ["cart": #"["book"]"#])
        try await h.service.setAttribute("step", to: "2", of: visitor.ref)
        #expect(try await h.service.attributes(of: visitor.ref).count == 2)
    }

    @Test(arguments: SessionStoreBackend.available)
    func anAnonymousSessionEndsAfterItsOwnIdleTimeout(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(idleTimeout: .seconds(1800), anonymousIdleTimeout: .seconds(600)))
        defer { Task { await h.close() } }
        let visitor = try await h.visitor()
        h.clock.advance(by: .seconds(599))
        // A check renews it: an anonymous session renews at a tenth of its own idle timeout.
        guard case .active = try await h.service.resolve(token: visitor.token) else { Issue.record("should live"); return }
        h.clock.advance(by: .seconds(599))
        guard case .active = try await h.service.resolve(token: visitor.token) else { Issue.record("renewed, should live"); return }
        h.clock.advance(by: .seconds(601))
        #expect(try await h.reason(visitor.token) == .sessionExpired)
        await #expect(throws: TesseraError.refused(.sessionExpired)) { _ = try await h.service.attributes(of: visitor.ref) }
    }

    @Test(arguments: SessionStoreBackend.available)
    func aTooLargeFirstWriteCreatesNoAnonymousSession(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(data: SessionDataLimits(maximumValueBytes: 10)))
        defer { Task { await h.close() } }
        await #expect(throws: TesseraError.sessionDataTooLarge(.valueSize(maximumBytes: 10))) { _ = try await h.visitor("cart", value(bytes: 11)) }
        await #expect(throws: TesseraError.self) { _ = try await h.visitor("no/slash", "1") }
        if let memory = h.store as? MemorySessionStore { #expect(memory.count == 0) }
    }

    @Test(arguments: SessionStoreBackend.available)
    func loginCarriesTheVisitorsDataIntoANewSessionAndEndsTheOldOne(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let visitor = try await h.visitor("cart", #"{"items":["book","pen"]}"#)
        try await h.service.setAttribute("theme", to: #""dark""#, of: visitor.ref)

        let started = try await h.start(takingDataFrom: visitor.token)
        #expect(started.token != visitor.token)
        #expect(started.session.id != visitor.session.id)
        #expect(started.carried == 2 && started.dropped == 0)
        #expect(try await h.service.attributes(of: started.ref) == ["cart": #"{"items":["book","pen"]}"#, "theme": #""dark""#])

        #expect(try await h.reason(visitor.token) == .loggedOut)
        await #expect(throws: TesseraError.refused(.loggedOut)) { try await h.service.setAttribute("late", to: "1", of: visitor.ref) }
        await #expect(throws: TesseraError.refused(.loggedOut)) { _ = try await h.service.attributes(of: visitor.ref) }

        // The token is spent: a second login with it carries nothing.
        let again = try await h.start(takingDataFrom: visitor.token)
        #expect(again.carried == 0)
        #expect(try await h.service.attributes(of: again.ref) == [:])
    }

    @Test(arguments: SessionStoreBackend.available)
    func aUsersTokenPresentedAtLoginIsLeftAlone(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let first = try await h.start("alice")
        try await h.service.setAttribute("theme", to: #""dark""#, of: first.ref)
        let second = try await h.start("bob", takingDataFrom: first.token)
        #expect(second.carried == 0)
        #expect(try await h.service.attributes(of: second.ref) == [:])
        guard case .active = try await h.service.resolve(token: first.token) else { Issue.record("alice's session was ended"); return }
        #expect(try await h.service.attributes(of: first.ref) == ["theme": #""dark""#])
        let refused = try await h.start("carol", takingDataFrom: "ts1.not-a-token")
        #expect(refused.carried == 0)
    }

    @Test(arguments: SessionStoreBackend.available)
    func anExpiredVisitorCarriesNothing(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(anonymousIdleTimeout: .seconds(600)))
        defer { Task { await h.close() } }
        let visitor = try await h.visitor()
        h.clock.advance(by: .seconds(601))
        let started = try await h.start(takingDataFrom: visitor.token)
        #expect(started.carried == 0)
        #expect(try await h.service.attributes(of: started.ref) == [:])
    }

    @Test(arguments: SessionStoreBackend.available)
    func aRejectedLoginLeavesTheVisitorsDataInPlace(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(devices: DevicePolicy(maximumSessions: 1, overflow: .reject)))
        defer { Task { await h.close() } }
        _ = try await h.start("dora")
        let visitor = try await h.visitor()
        await #expect(throws: TesseraError.sessionLimit) { _ = try await h.start("dora", takingDataFrom: visitor.token) }
        guard case .active = try await h.service.resolve(token: visitor.token) else { Issue.record("visitor lost"); return }
        #expect(try await h.service.attributes(of: visitor.ref) == ["cart": #"["book"]"#])
    }

    @Test(arguments: SessionStoreBackend.available)
    func dataOverLoweredLimitsIsDroppedAndTheLoginGoesOn(_ backend: SessionStoreBackend) async throws {
        let roomy = try harness(backend)
        defer { Task { await roomy.close() } }
        let visitor = try await roomy.visitor()
        try await roomy.service.setAttribute("b", to: "1", of: visitor.ref)
        try await roomy.service.setAttribute("c", to: "1", of: visitor.ref)
        var policy = SessionPolicy()
        policy.data.maximumAttributes = 2
        let strict = SessionService(tokens: tokens, store: roomy.store, policy: policy, clock: roomy.clock)
        let started = try await strict.start(for: "erin", device: "web", deviceName: nil, ip: nil, userAgent: nil, takingDataFrom: visitor.token)
        #expect(started.carried == 0 && started.dropped == 3)
        #expect(try await strict.attributes(of: started.ref) == [:])
        #expect(try await roomy.reason(visitor.token) == .loggedOut)
    }

    @Test(arguments: SessionStoreBackend.available)
    func anonymousSessionsAreInNoUsersList(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let user = try await h.start("frank")
        _ = try await h.visitor()
        #expect(try await h.service.sessions(of: "frank").map(\.id) == [user.session.id])
    }
}
