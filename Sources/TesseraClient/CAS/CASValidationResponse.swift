import Foundation

/// The JSON answer of `/cas/p3/serviceValidate?format=JSON`: every attribute is a list of
/// values (booleans stay booleans, so values are read leniently).
struct CASValidationResponse: Decodable {
    struct Body: Decodable {
        var authenticationSuccess: Success?
        var authenticationFailure: Failure?
    }

    struct Success: Decodable {
        var user: String
        var attributes: [String: [AttributeValue]]?
    }

    struct Failure: Decodable {
        var code: String
        var description: String
    }

    enum AttributeValue: Decodable {
        case text(String)
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            self = (try? container.decode(String.self)).map(AttributeValue.text) ?? .other
        }

        var text: String? {
            if case .text(let text) = self { return text }
            return nil
        }
    }

    var serviceResponse: Body

    /// The identity a success names; `sessionID` is the app's local session, which the
    /// caller fills in.
    func identity() -> TesseraIdentity? {
        guard let success = serviceResponse.authenticationSuccess else { return nil }
        let attributes = success.attributes ?? [:]
        let userID = attributes["userId"]?.first?.text ?? success.user
        return TesseraIdentity(
            userID: userID, username: attributes["username"]?.first?.text,
            roles: (attributes["roles"] ?? []).compactMap(\.text), sessionID: "")
    }
}
