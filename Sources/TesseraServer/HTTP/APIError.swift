import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// An error answer in the API's shape: `{"error": {"code", "message", "field"?}}`, with
/// `Retry-After` on 429 and 503. Every error a route throws ends up as one of these, through
/// ``APIError/init(_:)`` — the one mapping from error to HTTP status.
public struct APIError: HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// The HTTP form of a rule's refusal.
    public init(_ error: TesseraError) {
        let status: HTTPResponse.Status
        var headers: HTTPFields = [:]
        var field: String?
        switch error {
        case .invalidInput(let name, _):
            status = .badRequest
            field = name
        case .weakPassword:
            status = .badRequest
            field = "password"
        case .usernameTaken, .sessionLimit:
            status = .conflict
        case .badCredentials:
            status = .unauthorized
        case .refused(let reason):
            status = .unauthorized
            headers[.tesseraReason] = reason.rawValue
        case .accountDisabled, .forbidden, .emailNotVerified:
            status = .forbidden
        case .codeInvalid:
            status = .badRequest
            field = "code"
        case .notFound:
            status = .notFound
        case .sessionDataTooLarge:
            status = .contentTooLarge
        case .tooManyAttempts(let wait), .rateLimited(let wait):
            status = .tooManyRequests
            headers[.retryAfter] = String(TesseraError.retryAfterSeconds(wait))
        case .storeUnavailable, .deliveryFailed:
            status = .serviceUnavailable
            headers[.retryAfter] = "5"
        }
        self.init(status, code: error.code, message: error.message, field: field, headers: headers)
    }

    public static func invalidInput(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: "INVALID_INPUT", message: message, field: field)
    }

    /// A state-changing request that a browser may have sent from another site.
    public static let csrfRejected = APIError(
        .forbidden, code: "CSRF_REJECTED", message: "Cross-site requests authenticated by cookie are refused.")

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(status: status, ErrorBody(code: code, message: message, field: field))
        response.headers.append(contentsOf: headers)
        return response
    }

    /// The JSON error document, for answers written outside the router.
    var body: [UInt8] {
        var json = JSONWriter()
        ErrorBody(code: code, message: message, field: field).write(to: &json)
        return json.bytes
    }
}

extension HTTPField.Name {
    static let tesseraReason = Self("X-Tessera-Reason")!
    static let tesseraUserID = Self("X-Tessera-User-Id")!
    static let tesseraUserName = Self("X-Tessera-User-Name")!
    static let tesseraRoles = Self("X-Tessera-Roles")!
}
