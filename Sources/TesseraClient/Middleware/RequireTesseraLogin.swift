import Hummingbird
import TesseraCore

/// Lets a request through only with a Tessera identity in the context. Without one, an API
/// answers 401 with the precise reason (`NOT_LOGGED_IN`, `LOGGED_OUT`, `KICKED_OUT`, …) in
/// Tessera's JSON error shape; a page sends the browser to a login URL instead.
///
/// ```swift
/// api.add(middleware: RequireTesseraLogin())
/// pages.add(middleware: RequireTesseraLogin(redirectTo: { request in
///     "https://login.example.com/login?next=\(request.uri.path)"
/// }))
/// ```
public struct RequireTesseraLogin<Context: TesseraRequestContext>: RouterMiddleware {
    let redirect: (@Sendable (Request) -> String)?

    /// Answers 401 JSON.
    public init() {
        redirect = nil
    }

    /// Answers `302 Found` to the URL `redirectTo` builds for the request.
    public init(redirectTo: @escaping @Sendable (Request) -> String) {
        redirect = redirectTo
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.tesseraIdentity == nil else { return try await next(request, context) }
        if let redirect {
            return Response(status: .found, headers: [.location: redirect(request), .cacheControl: "no-store"])
        }
        throw TesseraClientError(.refused(context.tesseraRefusal))
    }
}
