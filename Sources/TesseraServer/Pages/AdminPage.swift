import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// `GET /admin`: find users, see one user's sessions, and with one form each sign them out
/// everywhere, disable or enable them, set their roles — the same rules as
/// `/api/admin/…`, which does the work. Behind ``RequirePageLogin``; other callers than
/// administrators get 403.
///
/// ```swift
/// let admin = AdminPage(services: services)
/// group.route(.get, "/admin", in: table, use: admin.page)
/// ```
struct AdminPage {
    let services: TesseraServices

    func page(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let page = PageRequest(request, secure: services.cookie.secure)
        guard identity.user.hasRole("admin") else { return forbidden(page) }
        let query = String((request.uri.queryParameters.get("query") ?? "").prefix(254))
        let selected = request.uri.queryParameters.get("user").map { String($0) }
        let now = services.sessions.clock.now()
        var users: [[String: Any]] = []
        for user in try await services.accounts.search(query, limit: 100) {
            var view: [String: Any] = [
                "id": user.id, "name": user.username ?? user.email ?? user.phone ?? user.id, "email": user.email ?? "",
                "phone": user.phone ?? "", "roles": user.roles.joined(separator: ", "), "disabled": user.isDisabled(at: now),
                "queryParam": query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "",
            ]
            if user.id == selected {
                view["selected"] = true
                view["sessions"] = try await services.sessions.sessions(of: user.id).map { session -> [String: Any] in
                    ["device": session.device, "ip": session.ip ?? "", "userAgent": session.userAgent ?? "",
                     "lastSeenAt": RFC3339.format(session.lastSeenAt)]
                }
            }
            users.append(view)
        }
        var values: [String: Any] = ["query": query, "users": users]
        if request.uri.queryParameters.get("done") != nil { values["message"] = page.strings["admin_done"] }
        return page.respond("admin", title: "admin_title", values)
    }

    /// A form of the page: checked for its token and the admin role, then handed to the API
    /// route of the same name, whose refusals are shown on the page.
    func action(_ route: @escaping @Sendable (AdminRoutes) -> (Request, TesseraRequestContext) async throws -> Response)
        -> @Sendable (Request, TesseraRequestContext) async throws -> Response
    {
        let services = services
        return { request, context in
            let identity = try context.requireIdentity()
            let fields = try await PageRequest.form(of: request)
            let page = PageRequest(request, secure: services.cookie.secure)
            guard identity.user.hasRole("admin") else { return AdminPage(services: services).forbidden(page) }
            guard FormToken.matches(request, form: fields, secure: services.cookie.secure) else {
                return page.page(title: page.strings["admin_title"] ?? "", body: "<p role=\"alert\">\(HTMLPage.escape(page.strings["form_expired"] ?? ""))</p>")
                    .response(status: .forbidden, headers: page.cookies())
            }
            let body: String
            if let roles = fields["roles"] {
                let list = roles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                body = String(decoding: try JSONEncoder().encode(["roles": list]), as: UTF8.self)
            } else {
                body = "{}"
            }
            var head = request.head
            head.headerFields[.contentType] = "application/json"
            let forwarded = Request(head: head, body: .init(buffer: .init(string: body)))
            do {
                do {
                    _ = try await route(AdminRoutes(services: services))(forwarded, context)
                } catch let error as TesseraError {
                    throw APIError(error)
                }
            } catch let error as APIError {
                return page.page(title: page.strings["admin_title"] ?? "", body: "<p role=\"alert\">\(HTMLPage.escape(error.message))</p>\n<p><a href=\"/admin\">\(HTMLPage.escape(page.strings["admin_title"] ?? ""))</a></p>")
                    .response(status: error.status, headers: page.cookies())
            }
            return PageRequest.redirect(to: "/admin?done=1")
        }
    }

    private func forbidden(_ page: PageRequest) -> Response {
        page.page(title: page.strings["admin_title"] ?? "", body: "<p role=\"alert\">\(HTMLPage.escape(page.message(.forbidden)))</p>")
            .response(status: .forbidden, headers: page.cookies())
    }
}
