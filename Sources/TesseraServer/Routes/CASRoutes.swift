import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore
import TesseraSSO

/// CAS 3.0 under `/cas`: login (`service`, `renew`, `gateway`), logout, and the three
/// validation endpoints. The single sign-on session is the Tessera session and its cookie.
struct CASRoutes {
    let services: TesseraServices
    private var cas: CASServer { services.cas }

    static let csrfCookie = "tessera_cas_csrf"
    static let maximumFormBytes = 16 * 1024

    // MARK: login

    /// `GET /cas/login`: a ticket for a signed-in user, the form for anyone else; with
    /// `gateway`, back to the service without asking.
    func loginPage(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let query = FormBody(request.uri.query.map { Substring($0) } ?? "")
        let renew = Self.flag(query["renew"])
        let gateway = Self.flag(query["gateway"]) && !renew
        let service = query["service"].flatMap { $0.isEmpty ? nil : $0 }
        let match = service.flatMap { cas.registry.match($0) }
        if service != nil && match == nil { return Self.unknownService(request) }
        if !renew, let (session, userID) = try await liveSession(request) {
            guard let match else {
                return CASPage.notice("cas_signed_in", language: PageLanguage(request)).response()
            }
            let ticket = try await cas.issueTicket(for: match, session: session, userID: userID, fromNewLogin: false, now: services.sessions.clock.now())
            return Self.redirect(to: CASServer.location(of: match, ticket: ticket), status: .found)
        }
        if gateway, let match { return Self.redirect(to: match.url.text, status: .found) }
        return loginForm(request, service: match?.url.text, renew: renew)
    }

    /// `POST /cas/login`: the form's credentials, through the same checks as `POST /api/login`.
    func login(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumFormBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "PAYLOAD_TOO_LARGE", message: "The form is larger than \(Self.maximumFormBytes) bytes.")
        }
        let form = FormBody(Substring(String(buffer: body)))
        let service = form["service"].flatMap { $0.isEmpty ? nil : $0 }
        let renew = Self.flag(form["renew"])
        let match = service.flatMap { cas.registry.match($0) }
        if service != nil && match == nil { return Self.unknownService(request) }
        guard services.origin.allows(request), let cookie = Self.cookie(Self.csrfCookie, in: request), let sent = form["csrf"],
              !cookie.isEmpty, ConstantTime.equals(Array(cookie.utf8), Array(sent.utf8))
        else {
            return CASPage.notice("cas_expired", language: PageLanguage(request))
                .response(status: .forbidden)
        }
        let login = form["username"] ?? ""
        guard let password = form["password"], !login.isEmpty, !password.isEmpty, login.count <= 320, password.utf8.count <= 1024 else {
            return loginForm(request, service: match?.url.text, renew: renew, login: String(login.prefix(320)),
                        message: PageStrings.table(PageLanguage(request))["cas_missing"], status: .badRequest)
        }
        let sessions = SessionRoutes(services: services)
        let user: User
        do {
            // The same checks as every password login, a verified e-mail address included
            // when the node requires one.
            user = try await sessions.passwordLogin(login: login, password: password)
        } catch let error as TesseraError {
            switch error {
            case .badCredentials, .accountDisabled, .emailNotVerified, .tooManyAttempts:
                let status = APIError(error).status
                var headers: HTTPFields = [:]
                if case .tooManyAttempts(let wait) = error { headers[.retryAfter] = String(TesseraError.retryAfterSeconds(wait)) }
                let message = PageLanguage(request) == .chinese ? error.simplifiedChineseMessage : error.message
                return loginForm(request, service: match?.url.text, renew: renew, login: login, message: message, status: status, headers: headers)
            default:
                throw error
            }
        }
        let started = try await sessions.startSession(for: user, request: request, context: context, via: "CAS")
        let setCookie = HTTPField(name: .setCookie, value: services.cookie.setting(started.token))
        guard let match else {
            var response = CASPage.notice("cas_signed_in", language: PageLanguage(request)).response()
            response.headers.append(setCookie)
            return response
        }
        let ticket = try await cas.issueTicket(for: match, session: started.session, userID: user.id, fromNewLogin: true, now: services.sessions.clock.now())
        var response = Self.redirect(to: CASServer.location(of: match, ticket: ticket), status: .seeOther)
        response.headers.append(setCookie)
        return response
    }

    // MARK: logout

    /// `GET /cas/logout`: ends the session (its services hear of it through single logout)
    /// and goes back to `service` when that is a registered service URL.
    func logout(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        if let token = services.cookie.token(in: request), try await services.sessions.end(token: token, reason: .loggedOut) {
            services.metrics.sessionsEnded(.loggedOut, count: 1)
        }
        let query = FormBody(request.uri.query.map { Substring($0) } ?? "")
        var response: Response
        if let service = query["service"], let match = cas.registry.match(service) {
            response = Self.redirect(to: match.url.text, status: .found)
        } else {
            response = CASPage.notice("cas_signed_out", language: PageLanguage(request)).response()
        }
        response.headers.append(HTTPField(name: .setCookie, value: services.cookie.clearing()))
        return response
    }

    // MARK: validation

    /// `GET /cas/validate` (CAS 1.0).
    func validate(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let (result, _) = await validation(request, context: context, attributes: false)
        return Self.body(result.text, contentType: "text/plain; charset=utf-8", status: Self.status(of: result))
    }

    /// `GET /cas/serviceValidate` (CAS 2.0: no attributes).
    func serviceValidate(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let (result, json) = await validation(request, context: context, attributes: false)
        return Self.render(result, json: json)
    }

    /// `GET /cas/p3/serviceValidate` (CAS 3.0: with attributes).
    func p3ServiceValidate(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let (result, json) = await validation(request, context: context, attributes: true)
        return Self.render(result, json: json)
    }

    /// Takes the ticket (spent whatever follows), then requires its session to be live and
    /// its account active, and registers the service for single logout.
    private func validation(_ request: Request, context: TesseraRequestContext, attributes: Bool) async -> (CASResponse, Bool) {
        let query = FormBody(request.uri.query.map { Substring($0) } ?? "")
        let json = query["format"]?.uppercased() == "JSON"
        let now = services.sessions.clock.now()
        let validated = await TicketValidator(store: cas.tickets).validate(
            ticket: query["ticket"], service: query["service"], renew: Self.flag(query["renew"]), now: now)
        let result: CASResponse
        switch validated {
        case .failure(let failure):
            result = .failure(failure)
        case .success(let grant):
            result = await principal(for: grant, ticket: query["ticket"] ?? "", attributes: attributes, context: context)
        }
        switch result {
        case .success: services.metrics.casValidation("success")
        case .failure(let failure): services.metrics.casValidation(failure.code)
        }
        return (result, json)
    }

    private func principal(for grant: TicketGrant, ticket: String, attributes: Bool, context: TesseraRequestContext) async -> CASResponse {
        do {
            let ref = SessionRef(tag: services.sessions.tokens.tag(forUserID: grant.userID), id: grant.sessionID)
            guard case .active = try await services.sessions.check(ref),
                  let user = try await services.accounts.find(.id(grant.userID)), !user.isDisabled(at: services.sessions.clock.now())
            else { return .failure(.invalidTicket(ticket: ticket)) }
            if let service = cas.registry.services.first(where: { $0.id == grant.serviceID }), service.singleLogout {
                try await cas.outbox.register(LogoutRegistration(
                    userID: grant.userID, sessionID: grant.sessionID, serviceID: grant.serviceID, serviceURL: grant.service,
                    ticket: ticket), now: services.sessions.clock.now())
            }
            return .success(CASPrincipal(grant: grant, username: user.username, email: user.email, roles: user.roles), attributes: attributes)
        } catch {
            context.logger.warning("CAS validation failed on a store", metadata: ["error": "\(error)"])
            return .failure(.internalError)
        }
    }

    // MARK: pieces

    /// The login form, with a CSRF cookie (the one already set, or a new one).
    private func loginForm(
        _ request: Request, service: String?, renew: Bool, login: String = "", message: String? = nil, status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        var headers = headers
        var csrf = Self.cookie(Self.csrfCookie, in: request) ?? ""
        let wellFormed = csrf.utf8.count == 32 && csrf.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) }
        if !wellFormed {
            csrf = SecureRandom.identifier(length: 32)
            let secure = services.cookie.secure
            let cookie = Cookie(name: Self.csrfCookie, value: csrf, path: "/cas", secure: secure, httpOnly: true, sameSite: .strict)
            headers.append(HTTPField(name: .setCookie, value: cookie.description))
        }
        return CASPage.login(service: service, renew: renew, csrf: csrf, login: login, message: message, language: PageLanguage(request))
            .response(status: status, headers: headers)
    }

    /// The live user session the cookie names, if any; a store that cannot answer fails closed.
    private func liveSession(_ request: Request) async throws -> (Session, String)? {
        guard let token = services.cookie.token(in: request),
              case .active(let session) = try await services.sessions.resolve(token: token), let userID = session.userID,
              let user = try await services.accounts.find(.id(userID)), !user.isDisabled(at: services.sessions.clock.now())
        else { return nil }
        return (session, userID)
    }

    private static func unknownService(_ request: Request) -> Response {
        CASPage.notice("cas_unknown", language: PageLanguage(request)).response(status: .badRequest)
    }

    /// CAS reads any value but `false` of `renew` and `gateway` as set.
    private static func flag(_ value: String?) -> Bool {
        guard let value else { return false }
        return value.lowercased() != "false"
    }

    private static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                return String(trimmed[trimmed.index(after: equals)...])
            }
        }
        return nil
    }

    private static func redirect(to location: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.location: location, .cacheControl: "no-store", .referrerPolicy: "no-referrer"])
    }

    private static func status(of result: CASResponse) -> HTTPResponse.Status {
        if case .failure(.internalError) = result { return .serviceUnavailable }
        return .ok
    }

    private static func render(_ result: CASResponse, json: Bool) -> Response {
        json
            ? body(result.json, contentType: "application/json; charset=utf-8", status: status(of: result))
            : body(result.xml, contentType: "text/xml; charset=utf-8", status: status(of: result))
    }

    private static func body(_ text: String, contentType: String, status: HTTPResponse.Status) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-store"]
        if status == .serviceUnavailable { headers[.retryAfter] = "5" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
