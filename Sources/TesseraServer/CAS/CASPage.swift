import Foundation
import HTTPTypes
import Hummingbird

/// The small server-rendered pages of `/cas/login` and `/cas/logout`: the login form and
/// one-paragraph notices. Every value is escaped; there is no script, and the policy forbids
/// framing and any resource from elsewhere.
enum CASPage {
    /// The login form. `service` and `renew` ride along as hidden fields; `csrf` is the value
    /// of the form's cookie.
    static func login(service: String?, renew: Bool, csrf: String, login: String = "", message: String? = nil) -> HTMLPage {
        var html = ""
        if let message { html += "<p role=\"alert\">\(HTMLPage.escape(message))</p>\n" }
        html += """
            <form method="post" action="/cas/login">
            <p><label for="username">Username, e-mail or phone</label><br>\
            <input id="username" name="username" autocomplete="username" required value="\(HTMLPage.escape(login))"></p>
            <p><label for="password">Password</label><br>\
            <input id="password" name="password" type="password" autocomplete="current-password" required></p>
            <input type="hidden" name="csrf" value="\(HTMLPage.escape(csrf))">

            """
        if let service { html += "<input type=\"hidden\" name=\"service\" value=\"\(HTMLPage.escape(service))\">\n" }
        if renew { html += "<input type=\"hidden\" name=\"renew\" value=\"true\">\n" }
        html += "<p><button type=\"submit\">Sign in</button></p>\n</form>\n"
        return HTMLPage(title: "Sign in", body: html)
    }

    static func notice(_ title: String, _ text: String) -> HTMLPage {
        HTMLPage(title: title, body: "<p>\(HTMLPage.escape(text))</p>\n")
    }
}
