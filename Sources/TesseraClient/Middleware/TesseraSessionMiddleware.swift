import Hummingbird
import TesseraCore

/// Reads the Tessera token of a request (`Authorization: Bearer`, else the session cookie;
/// never the query string), asks the source once and puts the identity, or the reason there
/// is none, into the request context. It refuses nothing itself: ``RequireTesseraLogin``
/// and ``RequireTesseraRole`` do. When the store cannot be reached a request carrying a
/// token gets 503 `STORE_UNAVAILABLE`; a request without one never touches the store.
///
/// ```swift
/// let router = Router(context: AppContext.self)
/// router.add(middleware: TesseraSessionMiddleware(tessera))
/// router.group("seller").add(middleware: RequireTesseraRole("seller")).get { _, context in … }
/// ```
public struct TesseraSessionMiddleware<Context: TesseraRequestContext>: RouterMiddleware {
    let source: any TesseraSessionSource
    let cookieNames: [String]

    /// - Parameter cookieNames: where Tessera puts the token: `tessera_session`, or
    ///   `__Host-tessera_session` when its public URL is https.
    public init(_ source: any TesseraSessionSource, cookieNames: [String] = ["__Host-tessera_session", "tessera_session"]) {
        self.source = source
        self.cookieNames = cookieNames
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = presentedToken(request) {
            switch try await source.identify(token: token) {
            case .accepted(let identity): context.tesseraIdentity = identity
            case .refused(let reason): context.tesseraRefusal = reason
            }
        }
        var response = try await next(request, context)
        if context.tesseraIdentity != nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    private func presentedToken(_ request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        for name in cookieNames {
            if let value = request.cookies[name]?.value, !value.isEmpty { return value }
        }
        return nil
    }
}
