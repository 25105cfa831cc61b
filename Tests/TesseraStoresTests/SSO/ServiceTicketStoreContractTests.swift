import Foundation
import Testing
import TesseraCore
import TesseraSSO
import TesseraStores

/// One behaviour, written once, run against every service ticket store backend.
@Suite struct ServiceTicketStoreContractTests {
    let clock = limitTestClock()

    func grant(service: String = "https://shop.example/app", fromNewLogin: Bool = true, lifetime: Duration = .seconds(10)) -> TicketGrant {
        TicketGrant(
            service: service, serviceID: "shop", userID: "u-" + SecureRandom.identifier(length: 6), sessionID: SecureRandom.identifier(length: 32),
            authenticatedAt: clock.now().addingTimeInterval(-60), fromNewLogin: fromNewLogin,
            expiresAt: clock.now().addingTimeInterval(lifetime.seconds))
    }

    @Test(arguments: SSOStoreBackend.available)
    func aTicketIsTakenOnce(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let validator = TicketValidator(store: stores.tickets)
        let ticket = ServiceTicket.issue()
        let saved = grant()
        try await stores.tickets.save(saved, under: ticket.storageKey, now: clock.now())
        let first = await validator.validate(ticket: ticket.text, service: saved.service, renew: false, now: clock.now())
        #expect(try first.get() == saved)
        let replay = await validator.validate(ticket: ticket.text, service: saved.service, renew: false, now: clock.now())
        #expect(replay == .failure(.invalidTicket(ticket: ticket.text)))
    }

    @Test(arguments: SSOStoreBackend.available)
    func aWrongServiceSpendsTheTicket(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let validator = TicketValidator(store: stores.tickets)
        let ticket = ServiceTicket.issue()
        let saved = grant()
        try await stores.tickets.save(saved, under: ticket.storageKey, now: clock.now())
        let wrong = await validator.validate(ticket: ticket.text, service: "https://shop.example/app/other", renew: false, now: clock.now())
        #expect(wrong == .failure(.invalidService(ticket: ticket.text)))
        let right = await validator.validate(ticket: ticket.text, service: saved.service, renew: false, now: clock.now())
        #expect(right == .failure(.invalidTicket(ticket: ticket.text)))
    }

    @Test(arguments: SSOStoreBackend.available)
    func anExpiredTicketIsInvalid(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let validator = TicketValidator(store: stores.tickets)
        let (fresh, stale) = (ServiceTicket.issue(), ServiceTicket.issue())
        let saved = grant()
        try await stores.tickets.save(saved, under: fresh.storageKey, now: clock.now())
        try await stores.tickets.save(saved, under: stale.storageKey, now: clock.now())
        clock.advance(by: .milliseconds(9_999))
        #expect(try await validator.validate(ticket: fresh.text, service: saved.service, renew: false, now: clock.now()).get() == saved)
        clock.advance(by: .milliseconds(1))
        #expect(await validator.validate(ticket: stale.text, service: saved.service, renew: false, now: clock.now())
            == .failure(.invalidTicket(ticket: stale.text)))
    }

    @Test(arguments: SSOStoreBackend.available)
    func renewRefusesATicketFromAnExistingSession(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let validator = TicketValidator(store: stores.tickets)
        let ticket = ServiceTicket.issue()
        let saved = grant(fromNewLogin: false)
        try await stores.tickets.save(saved, under: ticket.storageKey, now: clock.now())
        #expect(await validator.validate(ticket: ticket.text, service: saved.service, renew: true, now: clock.now()) == .failure(.invalidTicketSpec))
        #expect(await validator.validate(ticket: ticket.text, service: saved.service, renew: false, now: clock.now())
            == .failure(.invalidTicket(ticket: ticket.text)))
    }

    @Test(arguments: SSOStoreBackend.available)
    func twentyConcurrentValidationsSucceedOnce(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let validator = TicketValidator(store: stores.tickets)
        let ticket = ServiceTicket.issue()
        let saved = grant()
        try await stores.tickets.save(saved, under: ticket.storageKey, now: clock.now())
        let now = clock.now()
        let successes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask { (try? await validator.validate(ticket: ticket.text, service: saved.service, renew: false, now: now).get()) != nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 1)
    }

    @Test(arguments: SSOStoreBackend.available)
    func malformedRequestsAndTicketsFail(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let validator = TicketValidator(store: stores.tickets)
        #expect(await validator.validate(ticket: nil, service: "https://shop.example/app", renew: false, now: clock.now()) == .failure(.invalidRequest))
        #expect(await validator.validate(ticket: "ST-1", service: nil, renew: false, now: clock.now()) == .failure(.invalidRequest))
        #expect(await validator.validate(ticket: "ST-<script>", service: "https://shop.example/app", renew: false, now: clock.now())
            == .failure(.invalidTicket(ticket: "")))
    }

    @Test(.enabled(if: TestServers.redisEnabled, TestServers.skipMessage))
    func redisHoldsNoTicketAndExpiresIt() async throws {
        let stores = try SSOStoreBackend.redis.makeStores()
        defer { Task { await stores.close() } }
        let ticket = ServiceTicket.issue()
        try await stores.tickets.save(grant(), under: ticket.storageKey, now: clock.now())
        let keys = try await stores.keys()
        #expect(keys.count == 1)
        #expect(!keys.contains { $0.contains(ticket.text) || $0.contains(ticket.text.dropFirst(3)) })
        #expect(keys.first?.wholeMatch(of: /test-[0-9a-z]{10}:\{st:[0-9a-f]{32}\}/) != nil)
    }

    @Test func anUnreachableRedisIsAnInternalError() async throws {
        let client = RESPClientForTests.unreachable()
        defer { Task { await client.close() } }
        let validator = TicketValidator(store: RedisServiceTicketStore(client: client))
        let ticket = ServiceTicket.issue()
        #expect(await validator.validate(ticket: ticket.text, service: "https://shop.example/app", renew: false, now: Date()) == .failure(.internalError))
    }
}
