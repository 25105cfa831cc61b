import Foundation
import Hummingbird
import Logging
import TesseraCore

/// `/api/admin/…`: finding users, their sessions, kick-out, disable, enable and roles.
/// Mounted behind ``RequireRole`` with role `admin`.
struct AdminRoutes {
    let services: TesseraServices

    struct Kickout: Decodable {
        var device: String?
    }

    struct Disable: Decodable {
        var until: String?
        var reason: String?
    }

    struct Roles: Decodable {
        var roles: [String]
    }

    func users(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let query = request.uri.queryParameters["query"].map(String.init) ?? ""
        guard query.count <= 254 else { throw APIError.invalidInput("The query is too long.", field: "query") }
        let users = try await services.accounts.search(query, limit: 100)
        return JSONResponse.make(UsersEnvelope(users: users.map(UserView.init)))
    }

    func sessions(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let user = try await target(context)
        let sessions = try await services.sessions.sessions(of: user.id)
        let caller = context.identity?.session.id
        return JSONResponse.make(SessionsEnvelope(sessions: sessions.map { SessionView(session: $0, current: $0.id == caller) }))
    }

    func kickout(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let user = try await target(context, notSelf: "Use /api/logout or DELETE /api/sessions for your own sessions.")
        let input = try await Self.optionalBody(Kickout.self, request: request, context: context) ?? Kickout()
        let device = try input.device.map(SessionRoutes.device)
        let ended = try await services.sessions.endAll(of: user.id, reason: .kickedOut, device: device)
        services.metrics.sessionsEnded(.kickedOut, count: ended.count)
        audit(context, "kicked out", user: user, ["sessions": "\(ended.count)"])
        return JSONResponse.noContent()
    }

    func disable(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let user = try await target(context, notSelf: "An administrator cannot disable their own account.")
        let input = try await Self.optionalBody(Disable.self, request: request, context: context) ?? Disable()
        var until: Date?
        if let text = input.until {
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw APIError.invalidInput("'until' must be an RFC 3339 time.", field: "until")
            }
            until = date
        }
        let reason = try SessionRoutes.text(input.reason, field: "reason", limit: 200)
        try await services.accounts.setStatus(.disabled(until: until, reason: reason), for: user.id)
        let ended = try await services.sessions.endAll(of: user.id, reason: .accountDisabled)
        services.metrics.sessionsEnded(.accountDisabled, count: ended.count)
        audit(context, "disabled", user: user, ["sessions": "\(ended.count)"])
        return JSONResponse.noContent()
    }

    func enable(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let user = try await target(context)
        try await services.accounts.setStatus(.active, for: user.id)
        audit(context, "enabled", user: user)
        return JSONResponse.noContent()
    }

    func setRoles(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let user = try await target(context)
        let input = try await JSONRequest.decode(Roles.self, from: request, context: context)
        let roles = try AccountInput.roles(input.roles)
        if user.id == context.identity?.user.id, !roles.contains("admin") {
            throw APIError(.conflict, code: "SELF_LOCKOUT", message: "An administrator cannot take the admin role from themselves.")
        }
        guard let updated = try await services.accounts.setRoles(roles, for: user.id) else { throw TesseraError.notFound }
        audit(context, "roles set", user: user, ["roles": "\(roles.joined(separator: ","))"])
        return JSONResponse.make(UserEnvelope(user: UserView(user: updated)))
    }

    /// The account the path names. With `notSelf`, the caller's own account is refused with
    /// 409 `SELF_LOCKOUT`: those actions would lock the administrator out of the admin API.
    private func target(_ context: TesseraRequestContext, notSelf: String? = nil) async throws -> User {
        let id = context.parameters.get("id") ?? ""
        guard id.count <= 64, let user = try await services.accounts.find(.id(id)) else { throw TesseraError.notFound }
        if let notSelf, user.id == context.identity?.user.id {
            throw APIError(.conflict, code: "SELF_LOCKOUT", message: notSelf)
        }
        return user
    }

    private func audit(_ context: TesseraRequestContext, _ action: String, user: User, _ extra: Logger.Metadata = [:]) {
        var metadata: Logger.Metadata = ["admin": "\(context.identity?.user.id ?? "-")", "user": "\(user.id)"]
        metadata.merge(extra) { $1 }
        context.logger.notice("admin \(action)", metadata: metadata)
    }

    /// Admin actions whose body is optional accept an empty body as `{}`.
    private static func optionalBody<T: Decodable>(_ type: T.Type, request: Request, context: TesseraRequestContext) async throws -> T? {
        let contentLength = request.headers[.contentLength].flatMap(Int.init)
        if contentLength == 0 || (contentLength == nil && request.headers[.transferEncoding] == nil) { return nil }
        return try await JSONRequest.decode(T.self, from: request, context: context)
    }
}
