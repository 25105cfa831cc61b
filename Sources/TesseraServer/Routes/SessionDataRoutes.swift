import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// The caller's session data: `GET /api/session/data`, `GET|PUT|DELETE /api/session/data/{key}`.
///
/// Values are JSON texts, stored as written (without the whitespace between tokens) and
/// sent back as JSON. They belong to the live session the request presents, a user's or,
/// when anonymous sessions are on, a visitor's; with anonymous sessions on, a `PUT` that
/// presents no token creates the visitor's session and sets its cookie.
struct SessionDataRoutes {
    let services: TesseraServices

    func list(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let data = try await services.sessions.attributes(of: try liveSession(context))
        var json = JSONWriter()
        json.object { json in
            json.field("data") {
                $0.object { json in
                    for (key, value) in data.sorted(by: { $0.key < $1.key }) {
                        json.field(key) { $0.raw(value) }
                    }
                }
            }
        }
        return JSONResponse.make(json: json.bytes)
    }

    func get(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let ref = try liveSession(context)
        guard let value = try await services.sessions.attribute(try Self.key(context), of: ref) else {
            throw APIError(.notFound, code: "NOT_FOUND", message: "This session holds nothing under this key.")
        }
        var json = JSONWriter()
        json.object { json in json.field("value") { $0.raw(value) } }
        return JSONResponse.make(json: json.bytes)
    }

    func put(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let key = try Self.key(context)
        let value = try await JSONRequest.member("value", from: request, context: context)
        if context.sessionRef == nil, services.anonymousSessions, context.refusal == .notLoggedIn {
            return try await startAnonymous(key: key, value: value, request: request, context: context)
        }
        try await services.sessions.setAttribute(key, to: value, of: try liveSession(context))
        return JSONResponse.noContent()
    }

    func delete(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let ref = try liveSession(context)
        try await services.sessions.removeAttribute(try Self.key(context), of: ref)
        return JSONResponse.noContent()
    }

    /// A visitor's first write: a new anonymous session holding the attribute, its cookie
    /// set. Creations count per client address, so a flood cannot fill the store; the origin
    /// is checked as for a cookie-authenticated write, since the answer sets the cookie.
    private func startAnonymous(key: String, value: String, request: Request, context: TesseraRequestContext) async throws -> Response {
        guard services.origin.allows(request) else { throw APIError.csrfRejected }
        let client = services.clientAddress.of(request, peer: context.peerAddress)
        if case .limited(let wait) = try await services.limiter.acquire(services.anonymousRate, key: client ?? "unknown") {
            services.metrics.rateLimited(services.anonymousRate.name)
            throw TesseraError.rateLimited(retryAfter: wait)
        }
        let userAgent = request.headers[.userAgent].map { String($0.prefix(256)) }
        let started = try await services.sessions.startAnonymous(ip: client, userAgent: userAgent, key: key, value: value)
        context.logger.info("anonymous session started", metadata: ["session": "\(started.session.id)"])
        var response = JSONResponse.noContent()
        response.headers.append(HTTPField(name: .setCookie, value: services.cookie.setting(started.token)))
        return response
    }

    /// The request's live session, or its refusal. With anonymous sessions on, a refused
    /// cookie is also cleared: a browser cannot drop an HttpOnly cookie by itself, and
    /// without this a visitor whose session ended could never start a new one.
    private func liveSession(_ context: TesseraRequestContext) throws -> SessionRef {
        if let ref = context.sessionRef { return ref }
        var refusal = APIError(TesseraError.refused(context.refusal))
        if services.anonymousSessions, context.authenticatedByCookie {
            refusal.headers.append(HTTPField(name: .setCookie, value: services.cookie.clearing()))
        }
        throw refusal
    }

    /// The `{key}` of the path, percent-decoded (clients encode `:`); the service checks it.
    private static func key(_ context: TesseraRequestContext) throws -> String {
        guard let raw = context.parameters.get("key"), let key = raw.removingPercentEncoding else {
            throw APIError.invalidInput("The key is not valid.", field: "key")
        }
        return key
    }
}
