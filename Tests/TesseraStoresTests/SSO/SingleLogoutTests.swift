import Foundation
import Logging
import Testing
import TesseraCore
import TesseraSSO
import TesseraStores

/// Single logout over real session and outbox backends: endings that SessionService hears
/// of are queued at once, and the sweep finds the sessions that expired.
@Suite struct SingleLogoutTests {
    let tokens = SessionTokens(serverKey: .init(data: Array(repeating: 7, count: 32)))
    let quiet: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    struct Harness {
        var sessions: SessionService
        var outbox: any LogoutOutbox
        var clock: ManualWallClock
        var close: @Sendable () async -> Void
    }

    func harness(_ backend: SessionStoreBackend) throws -> Harness {
        let (store, closeSessions) = try backend.makeStore()
        let ssoStores = try (backend == .redis ? SSOStoreBackend.redis : SSOStoreBackend.memory).makeStores()
        let clock = ManualWallClock(Date())
        let sessions = SessionService(tokens: tokens, store: store, policy: SessionPolicy(idleTimeout: .seconds(60)), clock: clock)
        sessions.endings.add(SingleLogout(outbox: ssoStores.outbox, clock: clock, logger: quiet))
        return Harness(sessions: sessions, outbox: ssoStores.outbox, clock: clock, close: {
            await closeSessions()
            await ssoStores.close()
        })
    }

    func register(_ started: SessionService.Started, user: String, in h: Harness) async throws -> String {
        let ticket = ServiceTicket.issue().text
        try await h.outbox.register(LogoutRegistration(
            userID: user, sessionID: started.session.id, serviceID: "shop", serviceURL: "https://shop.example/app", ticket: ticket), now: h.clock.now())
        return ticket
    }

    @Test(arguments: SessionStoreBackend.available)
    func anEndingQueuesTheLogoutAtOnce(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let user = "u-" + SecureRandom.identifier(length: 8)
        let ended = try await h.sessions.start(for: user, device: "web", deviceName: nil, ip: nil, userAgent: nil)
        let kept = try await h.sessions.start(for: user, device: "web", deviceName: nil, ip: nil, userAgent: nil)
        let ticket = try await register(ended, user: user, in: h)
        _ = try await register(kept, user: user, in: h)
        try await h.sessions.end(token: ended.token, reason: .loggedOut)
        let due = try await h.outbox.claim(now: h.clock.now(), limit: 10, lease: .seconds(30))
        #expect(due.map(\.ticket) == [ticket])
    }

    @Test(arguments: SessionStoreBackend.available)
    func theSweepQueuesExpiredSessionsAndLeavesLiveOnes(_ backend: SessionStoreBackend) async throws {
        let h = try harness(backend)
        defer { Task { await h.close() } }
        let user = "u-" + SecureRandom.identifier(length: 8)
        let idle = try await h.sessions.start(for: user, device: "web", deviceName: nil, ip: nil, userAgent: nil)
        let idleTicket = try await register(idle, user: user, in: h)
        let sweep = LogoutSweep(outbox: h.outbox, sessions: h.sessions, logger: quiet)
        #expect(try await sweep.sweep() == 0)

        h.clock.advance(by: .seconds(50))
        let busy = try await h.sessions.start(for: user, device: "web", deviceName: nil, ip: nil, userAgent: nil)
        _ = try await register(busy, user: user, in: h)
        h.clock.advance(by: .seconds(11))
        #expect(try await sweep.sweep() == 1)
        #expect(try await h.outbox.registeredSessions().map(\.sessionID) == [busy.session.id])
        let due = try await h.outbox.claim(now: h.clock.now(), limit: 10, lease: .seconds(30))
        #expect(due.map(\.ticket) == [idleTicket])
        #expect(try await sweep.sweep() == 0)
    }
}
