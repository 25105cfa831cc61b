import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TesseraCore

/// What every page answer needs from its request: the language (and the cookie that keeps
/// a choice made with `?lang=`), the strings, the form token, the language switch's link.
///
/// ```swift
/// let page = PageRequest(request, secure: services.cookie.secure)
/// return page.respond("login", title: "login_title", ["login": ""])
/// ```
struct PageRequest {
    let language: PageLanguage
    let strings: [String: String]
    let form: FormToken
    private let switchHref: String
    private let languageCookie: HTTPField?

    static let maximumFormBytes = 16 * 1024

    init(_ request: Request, secure: Bool) {
        language = PageLanguage(request)
        strings = PageStrings.table(language)
        form = FormToken(request, secure: secure)
        var query = "lang=\(language.other.rawValue)"
        if let next = request.uri.queryParameters.get("next").flatMap({ LocalPath($0) }) {
            query += "&next=\(next.text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        switchHref = "\(request.uri.path)?\(query)"
        if let chosen = request.uri.queryParameters.get("lang").flatMap({ PageLanguage(tag: String($0)) }) {
            let cookie = Cookie(name: PageLanguage.cookieName, value: chosen.rawValue, maxAge: 365 * 86400, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
            languageCookie = HTTPField(name: .setCookie, value: cookie.description)
        } else {
            languageCookie = nil
        }
    }

    /// `template` rendered with `values`, the strings and the form token, in the layout.
    func respond(
        _ template: String, title key: String, _ values: [String: Any] = [:], status: HTTPResponse.Status = .ok,
        headers extra: HTTPFields = [:]
    ) -> Response {
        var context = values
        context["t"] = strings
        context["csrf"] = form.value
        return page(title: strings[key] ?? key, body: PageTemplates.render(template, context)).response(status: status, headers: cookies(extra))
    }

    /// A page around HTML made elsewhere, in this request's language.
    func page(title: String, body: String) -> HTMLPage {
        HTMLPage(title: title, body: body, language: language, switchHref: switchHref)
    }

    /// `extra` with the cookies this request's answer must set.
    func cookies(_ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        if let setCookie = form.setCookie { headers.append(setCookie) }
        if let languageCookie { headers.append(languageCookie) }
        return headers
    }

    /// A form post's fields; a body over the limit is refused with 413.
    static func form(of request: Request) async throws -> FormBody {
        do {
            let body = try await request.body.collect(upTo: maximumFormBytes)
            return FormBody(Substring(String(buffer: body)))
        } catch {
            throw APIError(.contentTooLarge, code: "PAYLOAD_TOO_LARGE", message: "The form is larger than \(maximumFormBytes) bytes.")
        }
    }

    /// A 303 to a local path (after a form post) or a 302 (from a page the browser opened).
    static func redirect(to location: String, status: HTTPResponse.Status = .seeOther, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store", .referrerPolicy: "no-referrer"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers)
    }

    /// The message of a rule's refusal in this page's language.
    func message(_ error: TesseraError) -> String {
        language == .chinese ? error.simplifiedChineseMessage : error.message
    }
}
