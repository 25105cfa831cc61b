import Foundation
import Logging
import Synchronization
import Testing
import TesseraCore
import TesseraSSO
import TesseraStores

/// One behaviour, written once, run against every logout outbox backend.
@Suite struct LogoutOutboxContractTests {
    let clock = limitTestClock()
    let quiet: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    func registration(session: String, ticket: String = ServiceTicket.issue().text, service: String = "shop") -> LogoutRegistration {
        LogoutRegistration(userID: "u1", sessionID: session, serviceID: service, serviceURL: "https://\(service).example/app", ticket: ticket)
    }

    @Test(arguments: SSOStoreBackend.available)
    func endedSessionsQueueOneDeliveryPerValidatedTicket(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let outbox = stores.outbox
        let (a, b) = (SecureRandom.identifier(length: 32), SecureRandom.identifier(length: 32))
        let shop = registration(session: a), wiki = registration(session: a, service: "wiki"), other = registration(session: b)
        for r in [shop, wiki, other] { try await outbox.register(r, now: clock.now()) }
        #expect(Set(try await outbox.registeredSessions()) == [RegisteredSession(userID: "u1", sessionID: a), RegisteredSession(userID: "u1", sessionID: b)])

        #expect(try await outbox.queueLogouts(ofSessions: [a], now: clock.now()) == 2)
        #expect(try await outbox.queueLogouts(ofSessions: [a], now: clock.now()) == 0)
        #expect(try await outbox.registeredSessions() == [RegisteredSession(userID: "u1", sessionID: b)])

        let claimed = try await outbox.claim(now: clock.now(), limit: 10, lease: .seconds(30))
        #expect(Set(claimed.map(\.ticket)) == [shop.ticket, wiki.ticket])
        #expect(claimed.allSatisfy { $0.attempts == 1 })
        #expect(claimed.first { $0.ticket == wiki.ticket }?.serviceURL == "https://wiki.example/app")
    }

    @Test(arguments: SSOStoreBackend.available)
    func aClaimHidesADeliveryForItsLeaseAndRetriesCountAttempts(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let outbox = stores.outbox
        let session = SecureRandom.identifier(length: 32)
        let shop = registration(session: session)
        try await outbox.register(shop, now: clock.now())
        try await outbox.queueLogouts(ofSessions: [session], now: clock.now())
        #expect(try await outbox.claim(now: clock.now(), limit: 10, lease: .seconds(30)).count == 1)
        #expect(try await outbox.claim(now: clock.now(), limit: 10, lease: .seconds(30)).isEmpty)
        clock.advance(by: .seconds(30))
        let again = try await outbox.claim(now: clock.now(), limit: 10, lease: .seconds(30))
        #expect(again.map(\.attempts) == [2])

        try await outbox.retry(shop.ticket, at: clock.now().addingTimeInterval(5))
        clock.advance(by: .milliseconds(4_999))
        #expect(try await outbox.claim(now: clock.now(), limit: 10, lease: .seconds(30)).isEmpty)
        clock.advance(by: .milliseconds(1))
        #expect(try await outbox.claim(now: clock.now(), limit: 10, lease: .seconds(30)).map(\.attempts) == [3])

        try await outbox.complete(shop.ticket)
        clock.advance(by: .seconds(60))
        #expect(try await outbox.claim(now: clock.now(), limit: 10, lease: .seconds(30)).isEmpty)
        #expect(try await stores.keys().isEmpty || backend == .memory)
    }

    @Test(arguments: SSOStoreBackend.available)
    func theDispatcherDeliversInParallelAndRetriesAFailingService(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let session = SecureRandom.identifier(length: 32)
        let shop = registration(session: session), wiki = registration(session: session, service: "wiki")
        for r in [shop, wiki] { try await stores.outbox.register(r, now: clock.now()) }
        try await stores.outbox.queueLogouts(ofSessions: [session], now: clock.now())

        let sender = RecordingSender(failing: ["https://wiki.example/app"])
        let outcomes = Mutex<[String]>([])
        let dispatcher = LogoutDispatcher(
            outbox: stores.outbox, sender: sender, policy: LogoutRetryPolicy(minimumWait: .seconds(2), maximumWait: .seconds(4), maximumAttempts: 3),
            clock: clock, logger: quiet
        ) { service, outcome in outcomes.withLock { $0.append("\(service) \(outcome.rawValue)") } }

        #expect(try await dispatcher.dispatchDue() == 2)
        #expect(sender.bodies(for: "https://shop.example/app").count == 1)
        #expect(sender.bodies(for: "https://shop.example/app").first?.contains(shop.ticket) == true)
        #expect(try await dispatcher.dispatchDue() == 0)
        clock.advance(by: .seconds(2))
        sender.recover("https://wiki.example/app")
        #expect(try await dispatcher.dispatchDue() == 1)
        #expect(sender.bodies(for: "https://wiki.example/app").count == 2)
        clock.advance(by: .seconds(600))
        #expect(try await dispatcher.dispatchDue() == 0)
        #expect(outcomes.withLock { $0.sorted() } == ["shop delivered", "wiki delivered", "wiki retry"])
    }

    @Test(arguments: SSOStoreBackend.available)
    func theDispatcherGivesUpAfterTheLastAttempt(_ backend: SSOStoreBackend) async throws {
        let stores = try backend.makeStores()
        defer { Task { await stores.close() } }
        let session = SecureRandom.identifier(length: 32)
        try await stores.outbox.register(registration(session: session), now: clock.now())
        try await stores.outbox.queueLogouts(ofSessions: [session], now: clock.now())
        let sender = RecordingSender(failing: ["https://shop.example/app"])
        let dispatcher = LogoutDispatcher(
            outbox: stores.outbox, sender: sender, policy: LogoutRetryPolicy(minimumWait: .seconds(1), maximumWait: .seconds(1), maximumAttempts: 2),
            clock: clock, logger: quiet)
        #expect(try await dispatcher.dispatchDue() == 1)
        clock.advance(by: .seconds(1))
        #expect(try await dispatcher.dispatchDue() == 1)
        clock.advance(by: .seconds(3600))
        #expect(try await dispatcher.dispatchDue() == 0)
        #expect(sender.bodies(for: "https://shop.example/app").count == 2)
    }
}

/// Records what it is asked to send; URLs in `failing` throw until recovered.
final class RecordingSender: LogoutSender {
    private let state: Mutex<(failing: Set<String>, sent: [(String, String)])>

    init(failing: Set<String> = []) {
        state = Mutex((failing, []))
    }

    struct Refused: Error {}

    func send(_ request: LogoutRequest, to serviceURL: String) async throws {
        let fails = state.withLock { state in
            state.sent.append((serviceURL, request.formBody))
            return state.failing.contains(serviceURL)
        }
        if fails { throw Refused() }
    }

    func recover(_ url: String) {
        _ = state.withLock { $0.failing.remove(url) }
    }

    func bodies(for url: String) -> [String] {
        state.withLock { $0.sent.filter { $0.0 == url }.map(\.1) }
    }
}
