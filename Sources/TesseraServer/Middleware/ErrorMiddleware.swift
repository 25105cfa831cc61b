import Hummingbird
import Logging
import TesseraCore

/// The outermost middleware: whatever a route or the router throws leaves as the API's JSON
/// error shape. Unknown paths are 404 `NOT_FOUND`; a known path with another method is 405
/// `METHOD_NOT_ALLOWED` with `Allow`. Anything unexpected is logged and answered 500 without
/// detail (a bug: every expected failure has its own code). A rule's refusal speaks
/// Simplified Chinese to a caller who asks for it (``PageLanguage``).
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = TesseraRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as TesseraError {
            var answer = APIError(error)
            if PageLanguage(request) == .chinese { answer.message = error.simplifiedChineseMessage }
            return try answer.response(from: request, context: context)
        } catch let error as AccountStoreError {
            context.logger.error("account store failed", metadata: ["error": "\(error)"])
            return try APIError(.storeUnavailable).response(from: request, context: context)
        } catch let error as SessionStoreError {
            context.logger.error("session store failed", metadata: ["error": "\(error)"])
            return try APIError(.storeUnavailable).response(from: request, context: context)
        } catch let error as HTTPError {
            return try translate(error, request: request).response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return try APIError(.internalServerError, code: "INTERNAL", message: "Something went wrong on our side.")
                .response(from: request, context: context)
        }
    }

    private func translate(_ error: HTTPError, request: Request) -> APIError {
        switch error.status {
        case .notFound:
            let allowed = routes.methods(forPath: request.uri.path)
            if !allowed.isEmpty {
                return APIError(
                    .methodNotAllowed, code: "METHOD_NOT_ALLOWED", message: "This path does not accept \(request.method.rawValue).",
                    headers: [.allow: allowed.map(\.rawValue).sorted().joined(separator: ", ")])
            }
            return APIError(.notFound, code: "NOT_FOUND", message: "There is nothing at this path.")
        case .contentTooLarge:
            return APIError(.contentTooLarge, code: "PAYLOAD_TOO_LARGE", message: "The request body is too large.")
        case .unauthorized:
            return APIError(.refused(.notLoggedIn))
        default:
            if (400..<500).contains(error.status.code) {
                return APIError(error.status, code: "INVALID_INPUT", message: "The request is not valid.")
            }
            return APIError(error.status, code: "INTERNAL", message: "Something went wrong on our side.")
        }
    }
}
