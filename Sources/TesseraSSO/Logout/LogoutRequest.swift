import Foundation

/// The body of a CAS single-logout request: a form with one field, `logoutRequest`, holding
/// a SAML `samlp:LogoutRequest` whose `samlp:SessionIndex` is the service ticket the service
/// validated for the session that ended.
///
/// ```swift
/// let body = LogoutRequest(ticket: "ST-…", id: "LR-…", issuedAt: Date()).formBody
/// // POST it as application/x-www-form-urlencoded to the service URL the ticket was issued for
/// ```
public struct LogoutRequest: Sendable, Equatable {
    public var ticket: String
    public var id: String
    public var issuedAt: Date

    public init(ticket: String, id: String, issuedAt: Date) {
        self.ticket = ticket
        self.id = id
        self.issuedAt = issuedAt
    }

    public var xml: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return """
            <samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
            xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(XMLText.escape(id))" Version="2.0" \
            IssueInstant="\(formatter.string(from: issuedAt))"><saml:NameID>@NOT_USED@</saml:NameID>\
            <samlp:SessionIndex>\(XMLText.escape(ticket))</samlp:SessionIndex></samlp:LogoutRequest>
            """
    }

    /// `logoutRequest=<xml>`, form-encoded.
    public var formBody: String {
        "logoutRequest=" + Self.formEncode(xml)
    }

    static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
