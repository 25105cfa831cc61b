import Foundation
import Hummingbird
import TesseraCore

/// CAS mode's middleware. On the callback path it takes a ticket (validates it with Tessera,
/// starts a local session, sets its cookie and returns the browser to the page it asked
/// for) and Tessera's single-logout POSTs (ends the local session the ticket started).
/// Everywhere else it reads the local session's cookie and puts the identity, or the
/// reason there is none, into the request context.
///
/// ```swift
/// router.add(middleware: CASClientMiddleware(cas))
/// router.group("orders").add(middleware: RequireTesseraLogin(redirectTo: cas.loginRedirect))
/// ```
public struct CASClientMiddleware<Context: TesseraRequestContext>: RouterMiddleware {
    let cas: TesseraCASClient

    public init(_ cas: TesseraCASClient) {
        self.cas = cas
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == cas.callbackPath {
            switch request.method {
            case .post: return try await singleLogout(request, context: context)
            case .get: return try await callback(request)
            default: break
            }
        }
        var context = context
        if let id = request.cookies[cas.cookieName]?.value, !id.isEmpty {
            switch await cas.sessions.lookup(id) {
            case .accepted(let identity): context.tesseraIdentity = identity
            case .refused(let reason): context.tesseraRefusal = reason
            }
        }
        return try await next(request, context)
    }

    private func callback(_ request: Request) async throws -> Response {
        let next = TesseraCASClient.localPath(request.uri.queryParameters["next"].map(String.init) ?? "/")
        // Without a ticket (back from Tessera's logout, or a gateway answer) there is
        // nothing to validate: on to the page, which asks for a login when it needs one.
        guard let ticket = request.uri.queryParameters["ticket"].map(String.init), !ticket.isEmpty else {
            return Response(status: .seeOther, headers: [.location: next, .cacheControl: "no-store"])
        }
        let identity: TesseraIdentity?
        do {
            identity = try await cas.validate(ticket: ticket, service: cas.service(returningTo: next))
        } catch {
            cas.logger.error("CAS validation failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            throw TesseraClientError(.storeUnavailable)
        }
        guard let identity else { throw TesseraClientError(.refused(.invalidToken)) }
        let id = await cas.sessions.start(identity, ticket: ticket)
        var cookie = "\(cas.cookieName)=\(id); Path=/; HttpOnly; SameSite=Lax"
        if cas.secureCookie { cookie += "; Secure" }
        return Response(status: .seeOther, headers: [.location: next, .setCookie: cookie, .cacheControl: "no-store"])
    }

    private func singleLogout(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let ticket = CASLogoutRequest.ticket(inForm: String(buffer: body)) else {
            throw TesseraClientError(.invalidInput(field: "logoutRequest", message: "Not a CAS logout request."))
        }
        // Any caller may post here; a logout request can only end the session its ticket
        // started, and tickets are secret and spent, so the worst is a spurious logout.
        await cas.sessions.end(ticket: ticket)
        return Response(status: .ok)
    }
}
