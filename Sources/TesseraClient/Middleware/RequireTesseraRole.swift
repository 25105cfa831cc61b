import Hummingbird
import TesseraCore

/// Lets a request through only when the caller has `role`: 403 `FORBIDDEN` otherwise, and
/// 401 with the reason when there is no caller at all.
///
/// ```swift
/// router.group("seller").add(middleware: RequireTesseraRole("seller"))
/// ```
public struct RequireTesseraRole<Context: TesseraRequestContext>: RouterMiddleware {
    let role: String

    public init(_ role: String) {
        self.role = role
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.tesseraIdentity else { throw TesseraClientError(.refused(context.tesseraRefusal)) }
        guard identity.hasRole(role) else { throw TesseraClientError(.forbidden) }
        return try await next(request, context)
    }
}
