import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOPosix
import RESP
import ServiceLifecycle
import TesseraCore
import TesseraSSO
import TesseraStores

/// Builds a Tessera node from its configuration: the stores it names, the services, the
/// routes, each group behind the middleware of its request path (session, login, role).
///
/// ```swift
/// let configuration = try TesseraConfiguration(reader: reader)
/// let app = try await TesseraApp.build(configuration: configuration, logger: logger)
/// try await app.runService()
/// ```
public enum TesseraApp {
    public static func build(
        configuration: TesseraConfiguration, logger: Logger, metrics: TesseraMetrics = TesseraMetrics(),
        clock: any WallClock = SystemWallClock()
    ) async throws -> some ApplicationProtocol {
        let key = try ServerKey.load(configured: configuration.serverKey, dataDirectory: configuration.dataDirectory)
        let stores = try await Stores.open(configuration: configuration, tokens: SessionTokens(serverKey: .init(data: key)), logger: logger)
        let transports = try DeliveryTransports.make(
            configuration: configuration.delivery, clientName: configuration.publicURL.host ?? configuration.host, logger: logger)
        let services = try makeServices(
            configuration: configuration, key: key, stores: stores, transports: transports, metrics: metrics, clock: clock, logger: logger)
        let events = EventRoutes(services: services)
        return Application(
            router: makeRouter(services: services),
            server: EventSocketChannel.builder(
                webSocket: .init(maxFrameSize: EventSocket.maximumMessageBytes, autoPing: .enabled(timePeriod: .seconds(30))),
                shouldUpgrade: events.shouldUpgrade),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tessera"),
            services: stores.lifecycle + transports.lifecycle + [services.events.hub, singleLogout(services: services, logger: logger)],
            onServerRunning: { channel in
                logger.notice("tessera listening", metadata: [
                    "address": "\(channel.localAddress?.description ?? "?")", "sessions": "\(stores.sessionsKind)",
                    "accounts": "\(stores.accountsKind)",
                ])
            },
            logger: logger)
    }

    /// The services of a node without its HTTP server, for operator commands and for
    /// driving ``makeRouter(services:)`` in tests. No mail or SMS transport is opened (the
    /// dev outbox still is, in dev mode). Call `close` when done.
    public static func openServices(
        configuration: TesseraConfiguration, logger: Logger = Logger(label: "tessera"), clock: any WallClock = SystemWallClock()
    ) async throws -> OpenedServices {
        let key = try ServerKey.load(configured: configuration.serverKey, dataDirectory: configuration.dataDirectory)
        let stores = try await Stores.open(configuration: configuration, tokens: SessionTokens(serverKey: .init(data: key)), logger: logger)
        let services = try makeServices(
            configuration: configuration, key: key, stores: stores, metrics: TesseraMetrics(), clock: clock, logger: logger)
        return OpenedServices(services: services, close: stores.close)
    }

    public struct OpenedServices: Sendable {
        public let services: TesseraServices
        public let close: @Sendable () async -> Void
    }

    /// A user as the API shows it, as one line of JSON.
    public static func userJSON(_ user: User) -> String {
        JSONResponse.line(UserView(user: user))
    }

    static func makeServices(
        configuration: TesseraConfiguration, key: [UInt8], stores: Stores, transports: DeliveryTransports = .none,
        metrics: TesseraMetrics, clock: any WallClock, logger: Logger
    ) throws -> TesseraServices {
        let tokens = SessionTokens(serverKey: .init(data: key))
        let accounts = AccountService(
            store: stores.accounts, hasher: PasswordHasher(parameters: configuration.passwordParameters), policy: PasswordPolicy(),
            executor: ThreadPoolExecutor(), clock: clock, logger: logger)
        let sessions = SessionService(tokens: tokens, store: stores.sessions, policy: configuration.sessionPolicy, clock: clock)
        let relay = SessionEventRelay(bus: stores.events, logger: logger)
        sessions.endings.add(relay)
        sessions.starts.add(relay)
        let events = LiveEvents(
            bus: stores.events, hub: EventHub(bus: stores.events, logger: logger),
            socket: EventSocket.Settings(
                recheckInterval: configuration.eventsRecheckInterval, messageRate: configuration.eventsMessageRate),
            metrics: metrics)
        sessions.endings.add(SingleLogout(outbox: stores.logoutOutbox, clock: clock, logger: logger))
        let cas = CASServer(
            registry: ServiceRegistry(configuration.casServices), tickets: stores.serviceTickets, outbox: stores.logoutOutbox,
            ticketLifetime: configuration.casTicketLifetime, logoutPolicy: configuration.casLogoutPolicy,
            sweepInterval: configuration.casSweepInterval)
        let codes = CodeService(store: stores.codes, serverKey: .init(data: key), clock: clock)
        let identifiers = IdentifierKey(serverKey: .init(data: key))
        return TesseraServices(
            accounts: accounts, sessions: sessions, limiter: RateLimiter(store: stores.rateLimits, clock: clock, identifiers: identifiers),
            loginThrottle: LoginThrottle(store: stores.loginFailures, policy: configuration.loginBackoff, clock: clock, identifiers: identifiers),
            cas: cas, codes: codes, events: events, senders: MessageSenders.choose(dev: configuration.dev, transports: transports, clock: clock), metrics: metrics,
            configuration: configuration, logger: logger)
    }

    /// The dispatcher and expiry sweep of single logout, run for as long as the node runs.
    static func singleLogout(services: TesseraServices, logger: Logger) -> any Service {
        let cas = services.cas
        let metrics = services.metrics
        let dispatcher = LogoutDispatcher(
            outbox: cas.outbox, sender: HTTPLogoutSender(timeout: cas.logoutPolicy.timeout), policy: cas.logoutPolicy,
            clock: services.sessions.clock, logger: logger
        ) { service, outcome in metrics.casLogout(service: service, outcome: outcome.rawValue) }
        return SingleLogoutService(
            dispatcher: dispatcher, sweep: LogoutSweep(outbox: cas.outbox, sessions: services.sessions, logger: logger),
            sweepInterval: cas.sweepInterval)
    }

    /// The routes, grouped by the middleware they stand behind.
    public static func makeRouter(services: TesseraServices) -> Router<TesseraRequestContext> {
        let table = RouteTable()
        let router = Router(context: TesseraRequestContext.self)
        router.add(middleware: ErrorMiddleware(routes: table))
        router.add(middleware: MetricsMiddleware())

        let health = HealthRoutes(services: services)
        router.group().route(.get, "/health/live", in: table, use: health.live)
            .route(.get, "/health/ready", in: table, use: health.ready)
            .route(.get, "/metrics", in: table, use: health.metrics)

        let accounts = AccountRoutes(services: services)
        let sessions = SessionRoutes(services: services)
        router.group().add(middleware: RateLimitMiddleware(rule: services.registrationRate, services: services))
            .route(.post, "/api/accounts", in: table, use: accounts.register)
        let codes = CodeRoutes(services: services)
        let verification = VerificationRoutes(services: services)
        router.group().add(middleware: RateLimitMiddleware(rule: services.loginRate, services: services))
            .route(.post, "/api/login", in: table, use: sessions.login)
            .route(.post, "/api/codes", in: table, use: codes.send)
            .route(.post, "/api/verification/email", in: table, use: verification.verifyByCode)
            .route(.post, "/api/password/reset", in: table, use: accounts.resetPassword)
        router.group()
            .route(.get, "/verify-email", in: table, use: verification.verifyByLink)
        router.group().route(.get, "/dev/outbox", in: table, use: DevOutboxRoutes(services: services).list)

        // nginx's auth_request forwards the original method; the origin check belongs to
        // the protected app, whose pages are not Tessera's.
        let gateway = router.group().add(middleware: SessionMiddleware(services: services, checksOrigin: false))
        for method: HTTPRequest.Method in [.get, .head, .post, .put, .patch, .delete] {
            gateway.route(method, "/auth/verify", in: table, use: GatewayRoutes().verify)
        }

        let session = SessionMiddleware(services: services, checksOrigin: true)

        // Not behind RequireLogin: an anonymous visitor's session holds data too.
        let data = SessionDataRoutes(services: services)
        router.group().add(middleware: session)
            .route(.get, "/api/session/data", in: table, use: data.list)
            .route(.get, "/api/session/data/{key}", in: table, use: data.get)
            .route(.put, "/api/session/data/{key}", in: table, use: data.put)
            .route(.delete, "/api/session/data/{key}", in: table, use: data.delete)

        router.group().add(middleware: session).add(middleware: RequireLogin())
            .route(.post, "/api/logout", in: table, use: sessions.logout)
            .route(.get, "/api/session", in: table, use: sessions.current)
            .route(.get, "/api/sessions", in: table, use: sessions.list)
            .route(.delete, "/api/sessions", in: table, use: sessions.revokeOthers)
            .route(.delete, "/api/sessions/{id}", in: table, use: sessions.revoke)
            .route(.post, "/api/password", in: table, use: accounts.changePassword)

        let events = EventRoutes(services: services)
        router.group().add(middleware: session).add(middleware: RequireLogin())
            .route(.get, EventRoutes.path, in: table, use: events.notUpgraded)

        // CAS: the pages read the cookie themselves; the form's POST counts against the login rate.
        let cas = CASRoutes(services: services)
        router.group()
            .route(.get, "/cas/login", in: table, use: cas.loginPage)
            .route(.get, "/cas/logout", in: table, use: cas.logout)
            .route(.get, "/cas/validate", in: table, use: cas.validate)
            .route(.get, "/cas/serviceValidate", in: table, use: cas.serviceValidate)
            .route(.get, "/cas/p3/serviceValidate", in: table, use: cas.p3ServiceValidate)
        router.group().add(middleware: RateLimitMiddleware(rule: services.loginRate, services: services))
            .route(.post, "/cas/login", in: table, use: cas.login)

        addPages(to: router, services: services, session: session, table: table)

        let admin = AdminRoutes(services: services)
        router.group().add(middleware: session).add(middleware: RequireRole(role: "admin"))
            .route(.get, "/api/admin/users", in: table, use: admin.users)
            .route(.get, "/api/admin/users/{id}/sessions", in: table, use: admin.sessions)
            .route(.post, "/api/admin/users/{id}/kickout", in: table, use: admin.kickout)
            .route(.post, "/api/admin/users/{id}/disable", in: table, use: admin.disable)
            .route(.post, "/api/admin/users/{id}/enable", in: table, use: admin.enable)
            .route(.put, "/api/admin/users/{id}/roles", in: table, use: admin.setRoles)
            .route(.post, "/api/admin/push", in: table, use: events.push)
        return router
    }
}

extension TesseraApp {
    /// The pages people use (`Pages/`): login and registration, which count against the
    /// login and registration rates when posted, and the account and admin pages behind a
    /// redirect to the login page.
    static func addPages(
        to router: Router<TesseraRequestContext>, services: TesseraServices, session: SessionMiddleware, table: RouteTable
    ) {
        let files = StaticFiles()
        router.group().route(.get, "/static/tessera.js", in: table, use: files.script)
            .route(.get, "/static/tessera.css", in: table, use: files.style)
        let login = LoginPages(services: services)
        let register = RegisterPage(services: services)
        router.group().add(middleware: session)
            .route(.get, "/login", in: table, use: login.page)
            .route(.get, "/register", in: table, use: register.page)
            .route(.post, "/logout", in: table, use: login.logout)
        router.group().add(middleware: RateLimitMiddleware(rule: services.loginRate, services: services))
            .route(.post, "/login", in: table, use: login.submit)
        router.group().add(middleware: RateLimitMiddleware(rule: services.registrationRate, services: services))
            .route(.post, "/register", in: table, use: register.submit)
        let account = AccountPage(services: services)
        router.group().add(middleware: session).add(middleware: RequirePageLogin())
            .route(.get, "/account", in: table, use: account.page)
            .route(.post, "/account/sessions/revoke-others", in: table, use: account.revokeOthers)
            .route(.post, "/account/sessions/{id}/revoke", in: table, use: account.revoke)
            .route(.post, "/account/password", in: table, use: account.changePassword)
        let admin = AdminPage(services: services)
        router.group().add(middleware: session).add(middleware: RequirePageLogin())
            .route(.get, "/admin", in: table, use: admin.page)
            .route(.post, "/admin/users/{id}/kickout", in: table, use: admin.action { $0.kickout })
            .route(.post, "/admin/users/{id}/disable", in: table, use: admin.action { $0.disable })
            .route(.post, "/admin/users/{id}/enable", in: table, use: admin.action { $0.enable })
            .route(.post, "/admin/users/{id}/roles", in: table, use: admin.action { $0.setRoles })
    }
}

/// Password hashing on NIO's thread pool, off the event loops.
struct ThreadPoolExecutor: BlockingExecutor {
    func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
