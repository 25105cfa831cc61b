import Foundation
import TesseraCore
import TesseraSSO

/// What routes and middleware work with, built once at start by ``TesseraApp``.
public struct TesseraServices: Sendable {
    public let accounts: AccountService
    public let sessions: SessionService
    public let metrics: TesseraMetrics
    public let limiter: RateLimiter
    public let loginThrottle: LoginThrottle
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
        metrics: TesseraMetrics, configuration: TesseraConfiguration
    ) {
        self.cas = cas
        self.accounts = accounts
        self.sessions = sessions
        self.limiter = limiter
        self.loginThrottle = loginThrottle
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
