import Foundation
import Hummingbird

/// The one place that names and builds the session cookie: `tessera_session`, HttpOnly,
/// SameSite=Lax, Path=/; `__Host-tessera_session` with `Secure` when the public URL is https.
struct SessionCookie: Sendable {
    let name: String
    let secure: Bool
    let maxAge: Int

    init(publicURL: URL, maxAge: Duration) {
        secure = publicURL.scheme?.lowercased() == "https"
        name = secure ? "__Host-tessera_session" : "tessera_session"
        self.maxAge = Int(maxAge.components.seconds)
    }

    func setting(_ token: String) -> String {
        Cookie(name: name, value: token, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax).description
    }

    func clearing() -> String {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax).description
    }

    /// The token from the cookie header, if the request carries this cookie.
    func token(in request: Request) -> String? {
        token(in: request.headers)
    }

    func token(in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                return String(trimmed[trimmed.index(after: equals)...])
            }
        }
        return nil
    }
}
