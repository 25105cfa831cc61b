import Hummingbird

/// The session token a request carries: `Authorization: Bearer`, else the session cookie;
/// never the query string. Read the same way by the session middleware and by login, which
/// takes an anonymous session's data along.
///
/// ```swift
/// if let presented = PresentedToken(in: request, cookie: services.cookie), !presented.fromCookie { … }
/// ```
struct PresentedToken {
    var token: String
    /// From the cookie rather than an `Authorization` header: a browser may send it on a
    /// cross-site request, so writes it authenticates need the origin check.
    var fromCookie: Bool

    init?(in request: Request, cookie: SessionCookie) {
        self.init(headers: request.headers, cookie: cookie)
    }

    init?(headers: HTTPFields, cookie: SessionCookie) {
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                var value = parts[1]
                while value.first == " " { value = value.dropFirst() }
                while value.last == " " { value = value.dropLast() }
                token = String(value)
                fromCookie = false
                return
            }
        }
        guard let value = cookie.token(in: headers) else { return nil }
        token = value
        fromCookie = true
    }
}

extension TesseraServices {
    /// The session a request's token names, for binding the codes it asks for and redeems:
    /// the token's MAC proves it, so no store is asked. A code bound to a session can only
    /// be redeemed by whoever holds that session's token, whether or not it is still live.
    func codeBinding(_ request: Request) -> String? {
        PresentedToken(in: request, cookie: cookie).flatMap { sessions.tokens.parse($0.token)?.id }
    }
}
