import Foundation
import Hummingbird
import TesseraCore

/// Reads the token (``PresentedToken``), asks the session store once (which renews when
/// due), loads the account and puts both into the request context. A live session without a
/// user (an anonymous visitor's) goes into the context as such when anonymous sessions are
/// on; it is never an identity. It refuses nothing itself except, where `checksOrigin`, a
/// cross-site write authenticated by cookie (403 `CSRF_REJECTED`); ``RequireLogin`` turns
/// a missing identity into a 401.
/// Responses of this path are never cached.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext
    let services: TesseraServices
    let checksOrigin: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let presented = PresentedToken(in: request, cookie: services.cookie) {
            context.authenticatedByCookie = presented.fromCookie
            if checksOrigin, presented.fromCookie, request.method.changesState, !services.origin.allows(request) {
                throw APIError.csrfRejected
            }
            try await resolve(presented.token, into: &context)
        }
        var response = try await next(request, context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func resolve(_ token: String, into context: inout Context) async throws {
        switch try await services.identify(token) {
        case .user(let identity): context.identity = identity
        case .anonymous(let ref): context.anonymousSession = ref
        case .refused(let reason): context.refusal = reason
        }
    }
}

/// What a presented token turns out to be.
enum Identification: Sendable {
    case user(Identity)
    /// A live session without a user, when anonymous sessions are on.
    case anonymous(SessionRef)
    case refused(RefusalReason)
}

extension TesseraServices {
    /// Asks the session store once (which renews when due, and answers with the account
    /// when it has it at hand) and loads the account otherwise: the one place a token
    /// becomes a caller, for requests and for socket upgrades alike.
    func identify(_ token: String) async throws -> Identification {
        guard let ref = sessions.tokens.parse(token) else {
            metrics.refused(.invalidToken)
            return .refused(.invalidToken)
        }
        let (check, cached) = try await sessions.checkReadingAccount(ref)
        switch check {
        case .refused(let reason):
            metrics.refused(reason)
            return .refused(reason)
        case .active(let session):
            guard let userID = session.userID else {
                return anonymousSessions ? .anonymous(ref) : .refused(.notLoggedIn)
            }
            let found = cached?.id == userID ? cached : try await accounts.find(.id(userID))
            guard let user = found else { return .refused(.invalidToken) }
            if user.isDisabled(at: sessions.clock.now()) { return .refused(.accountDisabled) }
            return .user(Identity(session: session, ref: ref, user: user))
        }
    }
}

/// Answers 401 with the precise reason when ``SessionMiddleware`` found no live session.
struct RequireLogin: RouterMiddleware {
    typealias Context = TesseraRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.identity != nil else { throw TesseraError.refused(context.refusal) }
        return try await next(request, context)
    }
}

/// Answers 403 `FORBIDDEN` unless the caller has `role`.
struct RequireRole: RouterMiddleware {
    typealias Context = TesseraRequestContext
    let role: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else { throw TesseraError.refused(context.refusal) }
        guard identity.user.hasRole(role) else { throw TesseraError.forbidden }
        return try await next(request, context)
    }
}

extension HTTPRequest.Method {
    var changesState: Bool {
        self != .get && self != .head && self != .options
    }
}

/// The configured public origin; cookie-authenticated writes must come from it.
struct PublicOrigin: Sendable {
    let origin: String

    init(publicURL: URL) {
        var origin = "\(publicURL.scheme?.lowercased() ?? "http")://\(publicURL.host?.lowercased() ?? "")"
        if let port = publicURL.port { origin += ":\(port)" }
        self.origin = origin
    }

    /// A request with no `Origin` header is allowed (not a browser's cross-site write);
    /// one naming another origin, or `null`, is not.
    func allows(_ request: Request) -> Bool {
        allows(request.headers)
    }

    func allows(_ headers: HTTPFields) -> Bool {
        guard let value = headers[.origin] else { return true }
        return value.lowercased() == origin
    }
}
