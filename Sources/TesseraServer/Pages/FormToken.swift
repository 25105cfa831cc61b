import HTTPTypes
import Hummingbird
import TesseraCore

/// CSRF protection of the pages' forms by double submission: a random value in an
/// HttpOnly, SameSite=Strict cookie, repeated in a hidden `csrf` field. Another site can
/// make a browser post a form, but it can neither read nor set the cookie, so it cannot
/// repeat it. Checked together with the `Origin` check of cookie-authenticated writes.
///
/// ```swift
/// let token = FormToken(request, secure: services.cookie.secure)   // render: token.value, token.setCookie
/// guard FormToken.matches(request, form: form, secure: secure) else { ... }   // submit
/// ```
struct FormToken: Sendable {
    let value: String
    /// Present when the request had no usable cookie and a new value was made.
    let setCookie: HTTPField?

    static func cookieName(secure: Bool) -> String { secure ? "__Host-tessera_form" : "tessera_form" }

    init(_ request: Request, secure: Bool) {
        if let existing = CookieValue.named(Self.cookieName(secure: secure), in: request.headers), Self.wellFormed(existing) {
            value = existing
            setCookie = nil
        } else {
            value = SecureRandom.identifier(length: 32)
            let cookie = Cookie(name: Self.cookieName(secure: secure), value: value, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
            setCookie = HTTPField(name: .setCookie, value: cookie.description)
        }
    }

    static func matches(_ request: Request, form: FormBody, secure: Bool) -> Bool {
        guard let cookie = CookieValue.named(cookieName(secure: secure), in: request.headers), wellFormed(cookie),
              let sent = form["csrf"]
        else { return false }
        return ConstantTime.equals(Array(cookie.utf8), Array(sent.utf8))
    }

    private static func wellFormed(_ value: String) -> Bool {
        value.utf8.count == 32 && value.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) }
    }
}
