import Foundation

/// The ticket named by a CAS single-logout POST: form field `logoutRequest` holding a
/// `samlp:LogoutRequest` whose `samlp:SessionIndex` is the service ticket.
///
/// ```swift
/// CASLogoutRequest.ticket(inForm: "logoutRequest=%3Csamlp%3ALogoutRequest…")   // "ST-…"
/// ```
enum CASLogoutRequest {
    static func ticket(inForm body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "logoutRequest" else { continue }
            guard let xml = parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding else { return nil }
            return sessionIndex(in: xml)
        }
        return nil
    }

    /// The text of the one `SessionIndex` element, whatever its namespace prefix. Tickets
    /// are `ST-` and base62, so anything else is refused rather than unescaped.
    static func sessionIndex(in xml: String) -> String? {
        guard let open = xml.range(of: "SessionIndex>"),
              let close = xml.range(of: "</", range: open.upperBound..<xml.endIndex)
        else { return nil }
        let ticket = String(xml[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard ticket.hasPrefix("ST-"), ticket.count <= 256,
              ticket.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") })
        else { return nil }
        return ticket
    }
}
