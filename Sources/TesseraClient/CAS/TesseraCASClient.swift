import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import TesseraCore

/// CAS mode: the app sends visitors to Tessera's `/cas/login`, validates the ticket they
/// come back with at `/cas/p3/serviceValidate` (a back-channel call), and keeps a session of
/// its own for them; Tessera's single-logout POST ends that session.
///
/// The app registers one callback URL with Tessera (`cas.services[].serviceUrl`, with
/// `singleLogout: true`); ``CASClientMiddleware`` answers that path.
///
/// ```swift
/// let cas = TesseraCASClient(
///     casURL: "https://login.example.com/cas", callbackURL: "https://shop.example/auth/cas")
/// router.add(middleware: CASClientMiddleware(cas))
/// router.group("seller")
///     .add(middleware: RequireTesseraLogin(redirectTo: cas.loginRedirect))
///     .add(middleware: RequireTesseraRole("seller"))
/// ```
public struct TesseraCASClient: Sendable {
    public let casURL: String
    public let callbackURL: String
    public let sessions: CASLocalSessions
    /// The app's session cookie; HttpOnly, SameSite=Lax, `Secure` when the callback is https.
    public let cookieName: String
    let httpClient: HTTPClient
    let timeout: Duration
    let logger: Logger

    /// - Parameters:
    ///   - casURL: Tessera's CAS base, e.g. `https://login.example.com/cas`.
    ///   - callbackURL: the URL registered with Tessera; its path is where tickets and
    ///     logout requests arrive.
    public init(
        casURL: String, callbackURL: String, sessions: CASLocalSessions = CASLocalSessions(),
        cookieName: String = "app_session", httpClient: HTTPClient = .shared, timeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "tessera.client.cas")
    ) {
        self.casURL = casURL.hasSuffix("/") ? String(casURL.dropLast()) : casURL
        self.callbackURL = callbackURL
        self.sessions = sessions
        self.cookieName = cookieName
        self.httpClient = httpClient
        self.timeout = timeout
        self.logger = logger
    }

    var callbackPath: String { URLComponents(string: callbackURL)?.path ?? "/" }
    var secureCookie: Bool { callbackURL.lowercased().hasPrefix("https:") }

    /// The `service` sent to Tessera: the callback, with the page to return to.
    func service(returningTo path: String) -> String {
        var components = URLComponents(string: callbackURL)
        components?.queryItems = [URLQueryItem(name: "next", value: Self.localPath(path))]
        return components?.string ?? callbackURL
    }

    /// Where ``RequireTesseraLogin`` sends a visitor without a session: Tessera's login,
    /// returning to the page they asked for.
    @Sendable public func loginRedirect(_ request: Request) -> String {
        "\(casURL)/login?service=\(Self.formEncode(service(returningTo: request.uri.description)))"
    }

    /// Tessera's logout, which ends the Tessera session (and with it, by single logout, this
    /// app's) and returns to the callback URL.
    public var logoutURL: String {
        "\(casURL)/logout?service=\(Self.formEncode(callbackURL))"
    }

    /// Validates `ticket` for `service`: the identity, nil when Tessera refuses the ticket.
    /// Throws when Tessera cannot be asked (the caller answers 503).
    func validate(ticket: String, service: String) async throws -> TesseraIdentity? {
        let url = "\(casURL)/p3/serviceValidate?format=JSON&service=\(Self.formEncode(service))&ticket=\(Self.formEncode(ticket))"
        let response = try await httpClient.execute(HTTPClientRequest(url: url), timeout: .init(timeout))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw CASUnavailable(status: Int(response.status.code))
        }
        let answer = try JSONDecoder().decode(CASValidationResponse.self, from: Data(buffer: body))
        if let failure = answer.serviceResponse.authenticationFailure {
            logger.info("CAS ticket refused", metadata: ["code": "\(failure.code)"])
        }
        return answer.identity()
    }

    /// A path on this app, so `next` can never send the browser elsewhere.
    static func localPath(_ path: String) -> String {
        guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return "/" }
        return path
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

struct CASUnavailable: Error {
    var status: Int
}

extension TimeAmount {
    init(_ duration: Duration) {
        self = .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
