/// The bodies of the CAS validation endpoints: the CAS 1.0 text of `/cas/validate`, and the
/// XML (or, with `format=JSON`, JSON) of `/cas/serviceValidate` and `/cas/p3/serviceValidate`.
///
/// ```swift
/// let body = CASResponse.success(principal, attributes: true).xml
/// let failure = CASResponse.failure(.invalidTicket(ticket: ticket)).json
/// ```
public enum CASResponse: Sendable, Equatable {
    /// `attributes`: whether to release the principal's attributes (protocol 3.0 endpoints).
    case success(CASPrincipal, attributes: Bool)
    case failure(CASFailure)

    /// The CAS 1.0 answer: `yes\n<user>\n` or `no\n\n`.
    public var text: String {
        switch self {
        case .success(let principal, _): "yes\n\(principal.user)\n"
        case .failure: "no\n\n"
        }
    }

    public var xml: String {
        var out = "<cas:serviceResponse xmlns:cas=\"http://www.yale.edu/tp/cas\">\n"
        switch self {
        case .success(let principal, let withAttributes):
            out += "  <cas:authenticationSuccess>\n"
            out += "    <cas:user>\(XMLText.escape(principal.user))</cas:user>\n"
            if withAttributes {
                out += "    <cas:attributes>\n"
                for attribute in principal.attributes {
                    for value in attribute.values {
                        out += "      <cas:\(attribute.name)>\(XMLText.escape(value.text))</cas:\(attribute.name)>\n"
                    }
                }
                out += "    </cas:attributes>\n"
            }
            out += "  </cas:authenticationSuccess>\n"
        case .failure(let failure):
            out += "  <cas:authenticationFailure code=\"\(failure.code)\">\(XMLText.escape(failure.description))</cas:authenticationFailure>\n"
        }
        return out + "</cas:serviceResponse>\n"
    }

    public var json: String {
        switch self {
        case .success(let principal, let withAttributes):
            var fields = "\"user\":\(JSONText.quote(principal.user))"
            if withAttributes {
                let attributes = principal.attributes.map { attribute in
                    let values = attribute.values.map { value -> String in
                        switch value {
                        case .text(let text): JSONText.quote(text)
                        case .bool(let flag): flag ? "true" : "false"
                        }
                    }
                    return "\(JSONText.quote(attribute.name)):[\(values.joined(separator: ","))]"
                }
                fields += ",\"attributes\":{\(attributes.joined(separator: ","))}"
            }
            return "{\"serviceResponse\":{\"authenticationSuccess\":{\(fields)}}}"
        case .failure(let failure):
            return "{\"serviceResponse\":{\"authenticationFailure\":{\"code\":\(JSONText.quote(failure.code)),\"description\":\(JSONText.quote(failure.description))}}}"
        }
    }
}
