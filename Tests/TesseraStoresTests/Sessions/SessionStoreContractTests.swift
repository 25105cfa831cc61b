import Crypto
import Foundation
import Synchronization
import Testing
import TesseraCore
import TesseraStores

/// One behaviour, written once, run against every session store backend.
@Suite struct SessionStoreContractTests {
    let tokens = SessionTokens(serverKey: SymmetricKey(size: .bits256))

    struct Harness {
        var store: any SessionStore
        var service: SessionService
        var clock: ManualWallClock
        var close: @Sendable () async -> Void

        func start(_ user: String, device: String = "web", name: String? = nil) async throws -> SessionService.Started {
            try await service.start(for: user, device: device, deviceName: name, ip: "203.0.113.7", userAgent: "test-agent")
        }

        func state(_ token: String) async throws -> SessionCheck {
            try await service.resolve(token: token)
        }

        func reason(_ token: String) async throws -> RefusalReason? {
            if case .refused(let reason) = try await state(token) { return reason }
            return nil
        }
    }

    func harness(_ backend: SessionStoreBackend, policy: SessionPolicy = SessionPolicy()) throws -> Harness {
        let (store, close) = try backend.makeStore()
        let clock = ManualWallClock(Date())
        return Harness(store: store, service: SessionService(tokens: tokens, store: store, policy: policy, clock: clock), clock: clock, close: close)
    }

    func user() -> String { "user-\(SecureRandom.identifier(length: 12))" }

    @Test(.enabled(if: TestServers.redisEnabled, TestServers.skipMessage))
    func redisBackendIsReachable() async throws {
        let (store, close) = try SessionStoreBackend.redis.makeStore()
        try await store.ping()
        await close()
    }

    @Test(arguments: SessionStoreBackend.available)
    func aNewSessionIsActiveWithWhatItWasCreatedWith(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let owner = user()
        let started = try await h.start(owner, device: "mobile", name: "Ada's phone")
        guard case .active(let session) = try await h.state(started.token) else { Issue.record("not active"); return }
        #expect(session.id == started.session.id)
        #expect(session.userID == owner)
        #expect(session.device == "mobile")
        #expect(session.deviceName == "Ada's phone")
        #expect(session.ip == "203.0.113.7")
        #expect(session.userAgent == "test-agent")
        #expect(abs(session.createdAt.timeIntervalSince(h.clock.now())) < 0.01)
    }

    @Test(arguments: SessionStoreBackend.available)
    func aLongUserAgentAndDeviceNameComeBackByteForByte(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let owner = user()
        let agent = LongSessionValues.userAgent, name = LongSessionValues.deviceName
        #expect(agent.utf8.count == 200 && name.count == 100)
        let started = try await h.service.start(for: owner, device: "web", deviceName: name, ip: "2001:db8::7", userAgent: agent)
        guard case .active(let session) = try await h.state(started.token) else { Issue.record("not active"); return }
        #expect(session.userAgent.map { Array($0.utf8) } == Array(agent.utf8))
        #expect(session.deviceName.map { Array($0.utf8) } == Array(name.utf8))
        let listed = try await h.service.sessions(of: owner)
        #expect(listed.map { $0.userAgent.map { Array($0.utf8) } } == [Array(agent.utf8)])
        #expect(listed.map { $0.deviceName.map { Array($0.utf8) } } == [Array(name.utf8)])
    }

    @Test(arguments: SessionStoreBackend.available)
    func noTokenIsNotLoggedInAndAForgedOneIsInvalid(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        #expect(try await h.service.resolve(token: nil) == .refused(.notLoggedIn))
        #expect(try await h.service.resolve(token: "") == .refused(.notLoggedIn))
        #expect(try await h.reason("ts1.aaaaaaaaaaaa.bbbb.cccc") == .invalidToken)
    }

    @Test(arguments: SessionStoreBackend.available)
    func aValidTokenThatWasNeverStoredReadsAsExpired(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let token = tokens.issue(forUserID: user()).token
        #expect(try await h.reason(token) == .sessionExpired)
    }

    @Test(arguments: SessionStoreBackend.available)
    func logoutLeavesLoggedOut(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let started = try await h.start(user())
        #expect(try await h.service.end(token: started.token, reason: .loggedOut))
        #expect(try await h.reason(started.token) == .loggedOut)
        #expect(try await h.service.end(token: started.token, reason: .loggedOut) == false)
    }

    @Test(arguments: SessionStoreBackend.available)
    func kickingBySessionIDNeedsTheOwner(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let owner = user()
        let started = try await h.start(owner)
        #expect(try await h.service.end(sessionID: started.session.id, of: user(), reason: .kickedOut) == false)
        #expect(try await h.service.end(sessionID: "not-an-id", of: owner, reason: .kickedOut) == false)
        guard case .active = try await h.state(started.token) else { Issue.record("a stranger ended the session"); return }
        #expect(try await h.service.end(sessionID: started.session.id, of: owner, reason: .kickedOut))
        #expect(try await h.reason(started.token) == .kickedOut)
    }

    @Test(arguments: SessionStoreBackend.available)
    func aLoginBeyondTheLimitReplacesTheOldest(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(devices: DevicePolicy(maximumSessions: 2)))
        defer { Task { await h.close() } }
        let owner = user()
        let first = try await h.start(owner)
        h.clock.advance(by: .seconds(1))
        let second = try await h.start(owner)
        h.clock.advance(by: .seconds(1))
        let third = try await h.start(owner)
        #expect(third.replaced == [first.session.id])
        #expect(try await h.reason(first.token) == .replaced)
        guard case .active = try await h.state(second.token), case .active = try await h.state(third.token) else {
            Issue.record("the newer sessions should live"); return
        }
        #expect(try await h.service.sessions(of: owner).map(\.id) == [second.session.id, third.session.id])
    }

    @Test(arguments: SessionStoreBackend.available)
    func onePerDeviceTypeReplacesTheSameTypeOnly(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(devices: DevicePolicy(onePerDeviceType: true)))
        defer { Task { await h.close() } }
        let owner = user()
        let web = try await h.start(owner, device: "web")
        let mobile = try await h.start(owner, device: "mobile")
        let web2 = try await h.start(owner, device: "web")
        #expect(web2.replaced == [web.session.id])
        #expect(try await h.reason(web.token) == .replaced)
        guard case .active = try await h.state(mobile.token) else { Issue.record("mobile should live"); return }
    }

    @Test(arguments: SessionStoreBackend.available)
    func rejectRefusesTheNewLoginAndKeepsTheOldOnes(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(devices: DevicePolicy(maximumSessions: 2, overflow: .reject)))
        defer { Task { await h.close() } }
        let owner = user()
        let first = try await h.start(owner)
        _ = try await h.start(owner)
        await #expect(throws: TesseraError.sessionLimit) { _ = try await h.start(owner) }
        #expect(try await h.service.sessions(of: owner).count == 2)
        guard case .active = try await h.state(first.token) else { Issue.record("first should live"); return }
    }

    @Test(arguments: SessionStoreBackend.available)
    func twentyConcurrentLoginsAgainstALimitOfThreeLeaveThree(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(devices: DevicePolicy(maximumSessions: 3)))
        defer { Task { await h.close() } }
        let owner = user()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await h.start(owner) } }
            try await group.waitForAll()
        }
        #expect(try await h.service.sessions(of: owner).count == 3)
    }

    @Test(arguments: SessionStoreBackend.available)
    func twentyConcurrentLoginsUnderRejectAdmitThree(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(devices: DevicePolicy(maximumSessions: 3, overflow: .reject)))
        defer { Task { await h.close() } }
        let owner = user()
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { (try? await h.start(owner)) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 3)
        #expect(try await h.service.sessions(of: owner).count == 3)
    }

    @Test(arguments: SessionStoreBackend.available)
    func anIdleSessionExpires(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(idleTimeout: .seconds(600)))
        defer { Task { await h.close() } }
        let owner = user()
        let started = try await h.start(owner)
        h.clock.advance(by: .seconds(599))
        guard case .active = try await h.state(started.token) else { Issue.record("alive before the idle timeout"); return }
        h.clock.advance(by: .seconds(601))
        #expect(try await h.reason(started.token) == .sessionExpired)
        #expect(try await h.service.sessions(of: owner).isEmpty)
    }

    @Test(arguments: SessionStoreBackend.available)
    func activityKeepsASessionUntilTheAbsoluteLimit(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(idleTimeout: .seconds(600), absoluteTimeout: .seconds(1800)))
        defer { Task { await h.close() } }
        let started = try await h.start(user())
        for _ in 0..<5 {
            h.clock.advance(by: .seconds(300))
            guard case .active = try await h.state(started.token) else { Issue.record("activity should keep it"); return }
        }
        h.clock.advance(by: .seconds(301))
        #expect(try await h.reason(started.token) == .sessionExpired)
    }

    @Test(arguments: SessionStoreBackend.available)
    func renewalIsThrottled(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(idleTimeout: .seconds(600), renewalInterval: .seconds(60)))
        defer { Task { await h.close() } }
        let started = try await h.start(user())
        h.clock.advance(by: .seconds(30))
        guard case .active(let early) = try await h.state(started.token) else { Issue.record("not active"); return }
        #expect(abs(early.lastSeenAt.timeIntervalSince(started.session.lastSeenAt)) < 0.01)
        h.clock.advance(by: .seconds(31))
        guard case .active(let renewed) = try await h.state(started.token) else { Issue.record("not active"); return }
        #expect(abs(renewed.lastSeenAt.timeIntervalSince(h.clock.now())) < 0.01)
        guard case .active(let again) = try await h.state(started.token) else { Issue.record("not active"); return }
        #expect(again.lastSeenAt == renewed.lastSeenAt)
    }

    @Test(arguments: SessionStoreBackend.available)
    func endAllKeepsTheExceptionAndFiltersByDevice(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let owner = user()
        let keep = try await h.start(owner, device: "web")
        let phone = try await h.start(owner, device: "mobile")
        let other = try await h.start(owner, device: "web")
        let ended = try await h.service.endAll(of: owner, reason: .kickedOut, except: keep.session.id, device: "web")
        #expect(ended == [other.session.id])
        #expect(try await h.reason(other.token) == .kickedOut)
        guard case .active = try await h.state(phone.token), case .active = try await h.state(keep.token) else {
            Issue.record("the filtered sessions should live"); return
        }
        let disabled = try await h.service.endAll(of: owner, reason: .accountDisabled)
        #expect(Set(disabled) == [keep.session.id, phone.session.id])
        #expect(try await h.reason(keep.token) == .accountDisabled)
        #expect(try await h.service.sessions(of: owner).isEmpty)
    }

    @Test(arguments: SessionStoreBackend.available)
    func sessionsOfOneUserAreInvisibleToAnother(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let alice = user(), bob = user()
        _ = try await h.start(alice)
        _ = try await h.start(bob)
        #expect(try await h.service.sessions(of: alice).allSatisfy { $0.userID == alice })
        #expect(try await h.service.endAll(of: bob, reason: .kickedOut).count == 1)
        #expect(try await h.service.sessions(of: alice).count == 1)
    }

    @Test(arguments: SessionStoreBackend.available)
    func observersHearOfEveryEndingWithItsReasonAndNothingElse(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend, policy: SessionPolicy(devices: DevicePolicy(maximumSessions: 2)))
        defer { Task { await h.close() } }
        let heard = EndingRecorder()
        h.service.endings.add(heard)
        let ada = user()
        // A millisecond apart, so that "oldest" does not fall to the Redis scripts' tie-break by id.
        let first = try await h.start(ada)
        h.clock.advance(by: .seconds(1))
        let second = try await h.start(ada)
        h.clock.advance(by: .seconds(1))
        let third = try await h.start(ada)
        #expect(heard.endings == [SessionEnding(userID: ada, sessionID: first.session.id, reason: .replaced)])

        try await h.service.end(token: second.token, reason: .loggedOut)
        #expect(try await h.service.end(token: second.token, reason: .loggedOut) == false)
        let fourth = try await h.start(ada)
        try await h.service.end(sessionID: fourth.session.id, of: ada, reason: .kickedOut)
        #expect(try await h.service.end(sessionID: third.session.id, of: user(), reason: .kickedOut) == false)
        try await h.service.endAll(of: ada, reason: .accountDisabled)
        #expect(heard.endings == [
            SessionEnding(userID: ada, sessionID: first.session.id, reason: .replaced),
            SessionEnding(userID: ada, sessionID: second.session.id, reason: .loggedOut),
            SessionEnding(userID: ada, sessionID: fourth.session.id, reason: .kickedOut),
            SessionEnding(userID: ada, sessionID: third.session.id, reason: .accountDisabled),
        ])
    }
}

private final class EndingRecorder: SessionEndObserver, Sendable {
    private let heard = Mutex<[SessionEnding]>([])
    var endings: [SessionEnding] { heard.withLock { $0 } }
    func sessionsEnded(_ endings: [SessionEnding]) async { heard.withLock { $0 += endings } }
}
