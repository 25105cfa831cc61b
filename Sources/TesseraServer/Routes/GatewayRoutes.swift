import Hummingbird
import TesseraCore

/// `GET /auth/verify`, for nginx `auth_request`: 200 with the user in headers, or 401 with
/// the refusal reason in `X-Tessera-Reason`.
struct GatewayRoutes {
    func verify(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        guard let identity = context.identity else { throw TesseraError.refused(context.refusal) }
        var response = Response(status: .ok)
        response.headers[.tesseraUserID] = identity.user.id
        response.headers[.tesseraUserName] = identity.user.username ?? ""
        response.headers[.tesseraRoles] = identity.user.roles.joined(separator: ",")
        return response
    }
}

/// Liveness, readiness (both stores answer) and Prometheus metrics.
struct HealthRoutes {
    let services: TesseraServices

    func live(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        JSONResponse.make(Status(status: "ok"))
    }

    func ready(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        do {
            try await services.sessions.store.ping()
            try await services.accounts.store.ping()
        } catch {
            context.logger.warning("not ready", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, code: "NOT_READY", message: "A store cannot be reached.", headers: [.retryAfter: "5"])
        }
        return JSONResponse.make(Status(status: "ok"))
    }

    func metrics(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        var buffer: [UInt8] = []
        services.metrics.registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}
