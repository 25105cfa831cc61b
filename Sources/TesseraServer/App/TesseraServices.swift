import Foundation
import Logging
import TesseraCore
import TesseraSSO

/// What routes and middleware work with, built once at start by ``TesseraApp``.
public struct TesseraServices: Sendable {
    public let accounts: AccountService
    public let sessions: SessionService
    public let metrics: TesseraMetrics
    public let limiter: RateLimiter
    public let loginThrottle: LoginThrottle
    /// Live events: the sockets of this node and pushes to any user's sockets.
    public let events: LiveEvents
    public let codes: CodeService
    /// Where mail and texts go; its outbox is set in dev mode only.
    public let senders: MessageSenders
    let delivery: CodeDelivery
    /// An SMS login with an unknown number creates its account.
    let smsAutoRegister: Bool
    /// Accounts with an unverified e-mail address cannot log in.
    let loginRequiresVerifiedEmail: Bool
    /// The CAS server: registered services, tickets, single-logout registrations.
    public let cas: CASServer
    let loginRate: RateLimitRule
    let registrationRate: RateLimitRule
    /// A visitor's first data write creates an anonymous session.
    let anonymousSessions: Bool
    /// Creations of anonymous sessions per client address.
    let anonymousRate: RateLimitRule
    let cookie: SessionCookie
    let origin: PublicOrigin
    let clientAddress: ClientAddress

    init(
        accounts: AccountService, sessions: SessionService, limiter: RateLimiter, loginThrottle: LoginThrottle, cas: CASServer,
        codes: CodeService, events: LiveEvents, senders: MessageSenders, metrics: TesseraMetrics, configuration: TesseraConfiguration, logger: Logger
    ) {
        self.events = events
        self.cas = cas
        self.accounts = accounts
        self.sessions = sessions
        self.limiter = limiter
        self.loginThrottle = loginThrottle
        self.codes = codes
        self.senders = senders
        self.smsAutoRegister = configuration.smsAutoRegister
        self.loginRequiresVerifiedEmail = configuration.loginRequiresVerifiedEmail
        self.delivery = CodeDelivery(
            codes: codes, accounts: accounts, senders: senders, limiter: limiter, rates: configuration.codeRates,
            publicURL: configuration.publicURL, smsAutoRegister: configuration.smsAutoRegister, logger: logger)
        self.loginRate = configuration.loginRate
        self.registrationRate = configuration.registrationRate
        self.anonymousSessions = configuration.anonymousSessions
        self.anonymousRate = configuration.anonymousRate
        self.metrics = metrics
        self.cookie = SessionCookie(publicURL: configuration.publicURL, maxAge: configuration.sessionPolicy.absoluteTimeout)
        self.origin = PublicOrigin(publicURL: configuration.publicURL)
        self.clientAddress = ClientAddress(trustedProxies: Set(configuration.trustedProxies))
    }
}
