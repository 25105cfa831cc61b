import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// `GET /account`: the profile, the signed-in devices with "sign out" for each and for
/// all others, and the password change; the forms post to `/account/…` and come back here
/// with a message. Behind ``RequirePageLogin``.
///
/// ```swift
/// let account = AccountPage(services: services)
/// group.route(.get, "/account", in: table, use: account.page)
/// ```
struct AccountPage {
    let services: TesseraServices

    /// What a form post did, shown once on the page it redirects to.
    enum Outcome: String {
        case revoked, revokedOthers, passwordChanged
    }

    func page(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let page = PageRequest(request, secure: services.cookie.secure)
        let outcome = request.uri.queryParameters.get("done").flatMap { Outcome(rawValue: String($0)) }
        return try await render(page, identity: identity, message: outcome.flatMap { page.strings["account_\($0.rawValue)"] })
    }

    func revoke(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        if let refused = try await refuseWithoutToken(request, identity: identity) { return refused }
        let id = context.parameters.get("id") ?? ""
        guard try await services.sessions.end(sessionID: id, of: identity.user.id, reason: .kickedOut) else {
            throw TesseraError.notFound
        }
        services.metrics.sessionsEnded(.kickedOut, count: 1)
        return PageRequest.redirect(to: "/account?done=\(Outcome.revoked.rawValue)")
    }

    func revokeOthers(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        if let refused = try await refuseWithoutToken(request, identity: identity) { return refused }
        let ended = try await services.sessions.endAll(of: identity.user.id, reason: .kickedOut, except: identity.session.id)
        services.metrics.sessionsEnded(.kickedOut, count: ended.count)
        return PageRequest.redirect(to: "/account?done=\(Outcome.revokedOthers.rawValue)")
    }

    func changePassword(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let fields = try await PageRequest.form(of: request)
        let page = PageRequest(request, secure: services.cookie.secure)
        guard FormToken.matches(request, form: fields, secure: services.cookie.secure) else {
            return try await render(page, identity: identity, message: page.strings["form_expired"], status: .forbidden)
        }
        do {
            try await services.accounts.changePassword(
                of: identity.user, current: fields["currentPassword"] ?? "", new: fields["newPassword"] ?? "")
        } catch let error as TesseraError {
            switch error {
            case .badCredentials, .weakPassword, .invalidInput:
                return try await render(page, identity: identity, message: page.message(error), status: APIError(error).status)
            default:
                throw error
            }
        }
        if fields["endOtherSessions"] == "true" {
            let ended = try await services.sessions.endAll(of: identity.user.id, reason: .kickedOut, except: identity.session.id)
            services.metrics.sessionsEnded(.kickedOut, count: ended.count)
        }
        context.logger.info("password changed on the account page", metadata: ["user": "\(identity.user.id)"])
        return PageRequest.redirect(to: "/account?done=\(Outcome.passwordChanged.rawValue)")
    }

    /// A form post without the form token is answered with the page and a 403.
    private func refuseWithoutToken(_ request: Request, identity: Identity) async throws -> Response? {
        let fields = try await PageRequest.form(of: request)
        guard FormToken.matches(request, form: fields, secure: services.cookie.secure) else {
            let page = PageRequest(request, secure: services.cookie.secure)
            return try await render(page, identity: identity, message: page.strings["form_expired"], status: .forbidden)
        }
        return nil
    }

    private func render(_ page: PageRequest, identity: Identity, message: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let user = identity.user
        // Absent values stay out of the context: mustache would print an optional's "nil".
        let sessions = try await services.sessions.sessions(of: user.id).map { session -> [String: Any] in
            var view: [String: Any] = [
                "id": session.id, "device": session.device, "ip": session.ip ?? "", "userAgent": session.userAgent ?? "",
                "lastSeenAt": RFC3339.format(session.lastSeenAt), "current": session.id == identity.session.id,
            ]
            if let name = session.deviceName { view["deviceName"] = name }
            return view
        }
        var profile: [String: Any] = ["emailVerified": user.emailVerified]
        if let username = user.username { profile["username"] = username }
        if let email = user.email { profile["email"] = email }
        if let phone = user.phone { profile["phone"] = phone }
        var values: [String: Any] = ["user": profile, "sessions": sessions]
        if let message { values["message"] = message }
        return page.respond("account", title: "account_title", values, status: status)
    }
}
