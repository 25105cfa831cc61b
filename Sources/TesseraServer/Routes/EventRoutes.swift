import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import TesseraCore

/// `GET /api/events` (the WebSocket of live events) and `POST /api/admin/push`.
///
/// The upgrade is decided before any route runs, by ``shouldUpgrade(_:channel:logger:)``:
/// a live session of a user presented by cookie or Bearer token, and an `Origin` equal to
/// the public URL's (required when the cookie authenticates; checked when present
/// otherwise). A refusal is the API's: 401 and the reason, 403 `CSRF_REJECTED`, 503. A
/// plain request without the upgrade reaches the ordinary route, which answers 426.
struct EventRoutes {
    let services: TesseraServices

    static let path = "/api/events"

    func shouldUpgrade(_ head: HTTPRequest, channel: any Channel, logger: Logger) async -> EventSocketChannel.Upgrade {
        guard head.path?.split(separator: "?", maxSplits: 1).first == Substring(Self.path) else {
            return .refuse(APIError(.notFound, code: "NOT_FOUND", message: "Only \(Self.path) accepts a WebSocket."))
        }
        guard let presented = PresentedToken(headers: head.headerFields, cookie: services.cookie) else {
            return .refuse(APIError(TesseraError.refused(.notLoggedIn)))
        }
        guard originAllowed(head.headerFields, fromCookie: presented.fromCookie) else { return .refuse(.csrfRejected) }
        let identity: Identity
        do {
            switch try await services.identify(presented.token) {
            case .user(let found): identity = found
            case .anonymous: return .refuse(APIError(TesseraError.refused(.notLoggedIn)))
            case .refused(let reason): return .refuse(APIError(TesseraError.refused(reason)))
            }
        } catch let error as TesseraError {
            return .refuse(APIError(error))
        } catch {
            return .refuse(APIError(TesseraError.storeUnavailable))
        }
        let socket = EventSocket(services: services, hub: services.events.hub, identity: identity, settings: services.events.socket)
        logger.debug("event socket opened", metadata: ["session": "\(identity.session.id)"])
        return .accept { inbound, outbound, context in
            try await socket.run(inbound: inbound, outbound: outbound, logger: context.logger)
        }
    }

    /// The answer to a request for `/api/events` that was not upgraded; behind
    /// ``SessionMiddleware`` and ``RequireLogin``.
    func notUpgraded(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        guard originAllowed(request.headers, fromCookie: context.authenticatedByCookie) else { throw APIError.csrfRejected }
        throw APIError(.upgradeRequired, code: "UPGRADE_REQUIRED", message: "Open this address as a WebSocket.")
    }

    struct Push: Decodable {
        var userId: String
        var event: String
    }

    /// `POST /api/admin/push` `{"userId", "event", "data"}`: 202 once published.
    func push(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let body = try await JSONRequest.body(of: request, context: context)
        let input = try JSONRequest.decode(Push.self, from: body)
        guard let data = StrictJSON.member("data", of: body) else {
            throw APIError.invalidInput("The field 'data' is required.", field: "data")
        }
        guard try await services.accounts.find(.id(input.userId)) != nil else { throw TesseraError.notFound }
        try await services.events.push(input.event, data: data, to: input.userId)
        return Response(status: .accepted)
    }

    private func originAllowed(_ headers: HTTPFields, fromCookie: Bool) -> Bool {
        if fromCookie, headers[.origin] == nil { return false }
        return services.origin.allows(headers)
    }
}
