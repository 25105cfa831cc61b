import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// `GET /login` (tabs: password, SMS code, e-mail code), `POST /login` (the password form,
/// which works without script: it sets the cookie and redirects to `next`) and
/// `POST /logout` (ends the session and clears what the site stored in the browser).
///
/// ```swift
/// let login = LoginPages(services: services)
/// group.route(.get, "/login", in: table, use: login.page)
/// ```
struct LoginPages {
    let services: TesseraServices

    /// A live session goes straight on to `next`; anyone else gets the form, with the
    /// reason they were sent here when a page named one.
    func page(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let next = LocalPath(request.uri.queryParameters.get("next").map { String($0) }) ?? .account
        let page = PageRequest(request, secure: services.cookie.secure)
        if context.identity != nil { return PageRequest.redirect(to: next.text, status: .found, headers: page.cookies()) }
        let reason = request.uri.queryParameters.get("reason").flatMap { RefusalReason(rawValue: String($0)) }
        let message = reason.flatMap { page.strings["reason_\($0.rawValue)"] }
        return form(page, next: next, message: message)
    }

    func submit(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let fields = try await PageRequest.form(of: request)
        let page = PageRequest(request, secure: services.cookie.secure)
        let next = LocalPath(fields["next"]) ?? .account
        let login = String((fields["login"] ?? "").prefix(320))
        guard services.origin.allows(request), FormToken.matches(request, form: fields, secure: services.cookie.secure) else {
            return form(page, next: next, login: login, message: page.strings["form_expired"], status: .forbidden)
        }
        guard let password = fields["password"], !login.isEmpty, !password.isEmpty, password.utf8.count <= 1024 else {
            return form(page, next: next, login: login, message: page.strings["login_missing"], status: .badRequest)
        }
        let sessions = SessionRoutes(services: services)
        let user: User
        do {
            user = try await sessions.passwordLogin(login: login, password: password)
        } catch let error as TesseraError {
            switch error {
            case .badCredentials, .accountDisabled, .emailNotVerified, .tooManyAttempts:
                let answer = APIError(error)
                return form(page, next: next, login: login, message: page.message(error), status: answer.status, headers: answer.headers)
            default:
                throw error
            }
        }
        let started = try await sessions.startSession(for: user, request: request, context: context, via: "the login page")
        return PageRequest.redirect(to: next.text, headers: page.cookies([.setCookie: services.cookie.setting(started.token)]))
    }

    func logout(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let fields = try await PageRequest.form(of: request)
        let page = PageRequest(request, secure: services.cookie.secure)
        guard FormToken.matches(request, form: fields, secure: services.cookie.secure) else {
            return form(page, next: .account, message: page.strings["form_expired"], status: .forbidden)
        }
        if let identity = context.identity {
            let ended = try await services.sessions.end(sessionID: identity.session.id, of: identity.user.id, reason: .loggedOut)
            services.metrics.sessionsEnded(.loggedOut, count: ended ? 1 : 0)
        }
        var headers: HTTPFields = [.setCookie: services.cookie.clearing(), .clearSiteData: "\"cache\", \"cookies\", \"storage\""]
        headers.append(contentsOf: page.cookies())
        return PageRequest.redirect(to: "/login?reason=\(RefusalReason.loggedOut.rawValue)", headers: headers)
    }

    private func form(
        _ page: PageRequest, next: LocalPath, login: String = "", message: String? = nil, status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        let channels: [[String: Any]] = [
            ["channel": "sms", "label": page.strings["login_phone"] ?? "", "inputType": "tel", "autocomplete": "tel"],
            ["channel": "email", "label": page.strings["login_email"] ?? "", "inputType": "email", "autocomplete": "email"],
        ]
        var values: [String: Any] = ["next": next.text, "login": login, "channels": channels]
        if let message { values["message"] = message }
        return page.respond("login", title: "login_title", values, status: status, headers: headers)
    }
}
