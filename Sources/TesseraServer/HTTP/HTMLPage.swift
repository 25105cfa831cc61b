import HTTPTypes
import Hummingbird
import NIOCore

/// A page people read in a browser — the pages under `Pages/`, a verification link's
/// answer, the dev outbox, the CAS sign-in form — in the one layout (`layout.mustache`):
/// escaped text, only our own script and stylesheet, never framed, no referrer sent to
/// other sites.
///
/// ```swift
/// return HTMLPage(title: "E-mail address verified", body: "<p>\(HTMLPage.escape(email)) is verified.</p>").response(status: .ok)
/// ```
struct HTMLPage {
    var title: String
    /// HTML; every piece of text in it must have gone through ``escape(_:)`` (mustache
    /// templates do that themselves).
    var body: String
    var language: PageLanguage = .english
    /// The same page in the other language, for the switch in the header; none when nil.
    var switchHref: String?
    /// `same-origin`: other sites learn nothing, and our own form posts keep their `Origin`
    /// (under `no-referrer` a browser sends `Origin: null`, which the origin check refuses).
    /// Pages whose URL carries a secret use `no-referrer`.
    var referrerPolicy = "same-origin"

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func response(status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var context: [String: Any] = [
            "lang": language.rawValue, "otherLang": language.other.rawValue, "title": title, "content": body,
            "t": PageStrings.table(language),
        ]
        if let switchHref { context["switchHref"] = switchHref }
        let html = PageTemplates.render("layout", context)
        let bytes = Array(html.utf8)
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .contentLength: String(bytes.count), .cacheControl: "no-store",
            .referrerPolicy: referrerPolicy, .xContentTypeOptions: "nosniff", .xFrameOptions: "DENY",
            .contentSecurityPolicy: Self.contentSecurityPolicy, .contentLanguage: language.rawValue,
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Text made safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let contentLanguage = Self("Content-Language")!
    static let clearSiteData = Self("Clear-Site-Data")!
}
