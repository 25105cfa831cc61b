import Foundation
import Hummingbird
import TesseraCore

/// A refusal the client middleware answers with, in Tessera's JSON error shape
/// `{"error":{"code","message"}}`, so an app's API refuses exactly like Tessera's own.
///
/// ```swift
/// throw TesseraClientError(.refused(.loggedOut))   // 401 LOGGED_OUT
/// throw TesseraClientError(.forbidden)             // 403 FORBIDDEN
/// ```
public struct TesseraClientError: HTTPResponseError, Equatable {
    public let error: TesseraError

    public init(_ error: TesseraError) {
        self.error = error
    }

    public var status: HTTPResponse.Status {
        switch error {
        case .refused: return .unauthorized
        case .forbidden: return .forbidden
        case .storeUnavailable: return .serviceUnavailable
        case .notFound: return .notFound
        case .sessionDataTooLarge: return .contentTooLarge
        case .invalidInput: return .badRequest
        default: return .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if error == .storeUnavailable { headers[.retryAfter] = "5" }
        let body = ["error": ["code": error.code, "message": error.message]]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
