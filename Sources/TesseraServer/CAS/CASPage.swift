import Foundation
import HTTPTypes
import Hummingbird

/// The small server-rendered pages of `/cas/login` and `/cas/logout`: the login form and
/// one-paragraph notices. Every value is escaped; there is no script, and the policy forbids
/// framing and any resource from elsewhere.
struct CASPage {
    var title: String
    var body: String

    /// The login form. `service` and `renew` ride along as hidden fields; `csrf` is the value
    /// of the form's cookie.
    static func login(service: String?, renew: Bool, csrf: String, login: String = "", message: String? = nil) -> CASPage {
        var html = "<h1>Sign in</h1>\n"
        if let message { html += "<p role=\"alert\">\(HTMLText.escape(message))</p>\n" }
        html += """
            <form method="post" action="/cas/login">
            <p><label for="username">Username, e-mail or phone</label><br>\
            <input id="username" name="username" autocomplete="username" required value="\(HTMLText.escape(login))"></p>
            <p><label for="password">Password</label><br>\
            <input id="password" name="password" type="password" autocomplete="current-password" required></p>
            <input type="hidden" name="csrf" value="\(HTMLText.escape(csrf))">

            """
        if let service { html += "<input type=\"hidden\" name=\"service\" value=\"\(HTMLText.escape(service))\">\n" }
        if renew { html += "<input type=\"hidden\" name=\"renew\" value=\"true\">\n" }
        html += "<p><button type=\"submit\">Sign in</button></p>\n</form>\n"
        return CASPage(title: "Sign in", body: html)
    }

    static func notice(_ title: String, _ text: String) -> CASPage {
        CASPage(title: title, body: "<h1>\(HTMLText.escape(title))</h1>\n<p>\(HTMLText.escape(text))</p>\n")
    }

    func response(status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>\(HTMLText.escape(title))</title></head>
            <body>
            \(body)</body></html>

            """
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
            .cacheControl: "no-store",
            .xFrameOptions: "DENY",
            .referrerPolicy: "no-referrer",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
