import Foundation
import Logging
import TesseraCore

/// What routes and middleware work with, built once at start by ``TesseraApp``.
public struct TesseraServices: Sendable {
    public let accounts: AccountService
    public let sessions: SessionService
    public let metrics: TesseraMetrics
    let cookie: SessionCookie
    let origin: PublicOrigin
    let clientAddress: ClientAddress
    let logger: Logger

    init(accounts: AccountService, sessions: SessionService, metrics: TesseraMetrics, configuration: TesseraConfiguration, logger: Logger) {
        self.accounts = accounts
        self.sessions = sessions
        self.metrics = metrics
        self.cookie = SessionCookie(publicURL: configuration.publicURL, maxAge: configuration.sessionPolicy.absoluteTimeout)
        self.origin = PublicOrigin(publicURL: configuration.publicURL)
        self.clientAddress = ClientAddress(trustedProxies: Set(configuration.trustedProxies))
        self.logger = logger
    }
}
