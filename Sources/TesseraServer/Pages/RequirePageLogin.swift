import Foundation
import HTTPTypes
import Hummingbird

/// The pages' answer to a caller without a live session: a redirect to
/// `/login?next=<this page>&reason=<why>`, where the login page says why (expired, signed
/// out from another device, replaced, disabled). The API paths keep their 401 JSON
/// (``RequireLogin``).
///
/// ```swift
/// router.group().add(middleware: session).add(middleware: RequirePageLogin())
///     .route(.get, "/account", in: table, use: account.page)
/// ```
struct RequirePageLogin: RouterMiddleware {
    typealias Context = TesseraRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if context.identity != nil { return try await next(request, context) }
        // After a form post the page to come back to is the one that showed the form.
        let back = request.method == .get ? request.uri.path : "/account"
        var location = "/login?next=\(back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        if context.refusal != .notLoggedIn { location += "&reason=\(context.refusal.rawValue)" }
        return PageRequest.redirect(to: location, status: request.method == .get ? .found : .seeOther)
    }
}
