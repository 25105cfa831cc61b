import Foundation
import HTTPTypes
import Hummingbird

/// The small server-rendered pages of `/cas/login` and `/cas/logout`: the login form and
/// one-paragraph notices. Every value is escaped; there is no script, and the policy forbids
/// framing and any resource from elsewhere.
enum CASPage {
    /// The login form. `service` and `renew` ride along as hidden fields; `csrf` is the value
    /// of the form's cookie.
    static func login(
        service: String?, renew: Bool, csrf: String, login: String = "", message: String? = nil, language: PageLanguage
    ) -> HTMLPage {
        let t = PageStrings.table(language)
        var html = ""
        if let message { html += "<p role=\"alert\">\(HTMLPage.escape(message))</p>\n" }
        html += """
            <form method="post" action="/cas/login">
            <p><label for="username">\(HTMLPage.escape(t["login_login"] ?? ""))</label><br>\
            <input id="username" name="username" autocomplete="username" required value="\(HTMLPage.escape(login))"></p>
            <p><label for="password">\(HTMLPage.escape(t["login_password"] ?? ""))</label><br>\
            <input id="password" name="password" type="password" autocomplete="current-password" required></p>
            <input type="hidden" name="csrf" value="\(HTMLPage.escape(csrf))">

            """
        if let service { html += "<input type=\"hidden\" name=\"service\" value=\"\(HTMLPage.escape(service))\">\n" }
        if renew { html += "<input type=\"hidden\" name=\"renew\" value=\"true\">\n" }
        html += "<p><button type=\"submit\">\(HTMLPage.escape(t["login_submit"] ?? ""))</button></p>\n</form>\n"
        return HTMLPage(title: t["login_title"] ?? "", body: html, language: language)
    }

    /// A one-paragraph page: `key` names its title (`<key>_title`) and text (`<key>_text`)
    /// in ``PageStrings``.
    static func notice(_ key: String, language: PageLanguage) -> HTMLPage {
        let t = PageStrings.table(language)
        return HTMLPage(title: t[key + "_title"] ?? "", body: "<p>\(HTMLPage.escape(t[key + "_text"] ?? ""))</p>\n", language: language)
    }
}
