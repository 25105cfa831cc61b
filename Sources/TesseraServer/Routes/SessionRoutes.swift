import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// Login, logout and the caller's own sessions.
struct SessionRoutes {
    let services: TesseraServices

    struct Login: Decodable {
        var method: String
        var login: String?
        var password: String?
        var phone: String?
        var email: String?
        var code: String?
        var device: String?
        var deviceName: String?
    }

    func login(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let input = try await JSONRequest.decode(Login.self, from: request, context: context)
        let device = try Self.device(input.device)
        let deviceName = try Self.text(input.deviceName, field: "deviceName", limit: 100)
        let user = try await authenticate(input, session: services.codeBinding(request))
        let started = try await startSession(
            for: user, request: request, context: context, device: device, deviceName: deviceName,
            takingDataFrom: anonymousToken(in: request), via: "the API")
        if started.dropped > 0 {
            context.logger.warning("anonymous session data over the data limits was dropped at login", metadata: [
                "session": "\(started.session.id)", "attributes": "\(started.dropped)",
            ])
        }
        var response = JSONResponse.make(LoginResult(
            token: started.token, session: SessionView(session: started.session, current: true), user: UserView(user: user)))
        response.headers.append(HTTPField(name: .setCookie, value: services.cookie.setting(started.token)))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The account a login request proves, by whichever method it names.
    private func authenticate(_ input: Login, session: String?) async throws -> User {
        switch input.method {
        case "password":
            guard let login = input.login, let password = input.password, password.utf8.count <= 1024 else {
                throw APIError.invalidInput("'login' and 'password' are required.", field: input.login == nil ? "login" : "password")
            }
            return try await passwordLogin(login: login, password: password)
        case "sms":
            guard let phone = input.phone, let code = input.code else {
                throw APIError.invalidInput("'phone' and 'code' are required.", field: input.phone == nil ? "phone" : "code")
            }
            let number = try AccountInput.phone(phone)
            return try await authenticate(code: code, sentTo: .phone(number), destination: number, session: session)
        case "email":
            guard let email = input.email, let code = input.code else {
                throw APIError.invalidInput("'email' and 'code' are required.", field: input.email == nil ? "email" : "code")
            }
            let address = try AccountInput.email(email)
            return try await authenticate(code: code, sentTo: .email(address), destination: address, session: session)
        default:
            throw APIError.invalidInput("The login method must be 'password', 'sms' or 'email'.", field: "method")
        }
    }

    /// The token whose anonymous session's data the new session takes over, when anonymous
    /// sessions are on. A cookie sent with a cross-site request is not followed: another
    /// site must not be able to move a visitor's data into an account of its choosing.
    private func anonymousToken(in request: Request) -> String? {
        guard services.anonymousSessions, let presented = PresentedToken(in: request, cookie: services.cookie) else { return nil }
        return presented.fromCookie && !services.origin.allows(request) ? nil : presented.token
    }

    /// A password login as `POST /api/login` and the login page make it: the password
    /// check, then the policy on unverified e-mail addresses.
    /// Starts the session a login earned, the same way for the API, the login page and CAS:
    /// the caller's address and user agent from the request, the metrics, one log line
    /// naming the user and the session (never the token).
    func startSession(
        for user: User, request: Request, context: TesseraRequestContext, device: String = "web", deviceName: String? = nil,
        takingDataFrom anonymousToken: String? = nil, via route: String
    ) async throws -> SessionService.Started {
        let ip = services.clientAddress.of(request, peer: context.peerAddress)
        let userAgent = request.headers[.userAgent].map { String($0.prefix(256)) }
        let started = try await services.sessions.start(
            for: user.id, device: device, deviceName: deviceName, ip: ip, userAgent: userAgent, takingDataFrom: anonymousToken)
        services.metrics.login("ok")
        services.metrics.sessionsEnded(.replaced, count: started.replaced.count)
        context.logger.info("logged in", metadata: [
            "via": "\(route)", "user": "\(user.id)", "session": "\(started.session.id)", "carried": "\(started.carried)",
        ])
        return started
    }

    func passwordLogin(login: String, password: String) async throws -> User {
        let user = try await authenticate(login: login, password: password)
        if services.loginRequiresVerifiedEmail, user.email != nil, !user.emailVerified {
            services.metrics.login("email_not_verified")
            throw TesseraError.emailNotVerified
        }
        return user
    }

    /// The password check under the login back-off: while an identifier must wait, its
    /// password is not even checked; failures count whether or not the account exists.
    private func authenticate(login: String, password: String) async throws -> User {
        let identifier = login.trimmingCharacters(in: .whitespaces).lowercased()
        if let wait = try await services.loginThrottle.wait(for: identifier) {
            services.metrics.login("too_many_attempts")
            throw TesseraError.tooManyAttempts(retryAfter: wait)
        }
        do {
            let user = try await services.accounts.authenticate(login: login, password: password)
            try await services.loginThrottle.recordSuccess(for: identifier)
            return user
        } catch TesseraError.badCredentials {
            services.metrics.login("bad_credentials")
            try await services.loginThrottle.recordFailure(for: identifier)
            throw TesseraError.badCredentials
        } catch let error as TesseraError {
            services.metrics.login(error.code.lowercased())
            throw error
        }
    }

    /// A login code check under the same back-off as passwords, per destination. The code
    /// proves the address: the login marks it verified, and an SMS login with an unknown
    /// number registers it when that is enabled. `session` is the live session the request
    /// presented, for a code bound to the session that asked for it.
    private func authenticate(code: String, sentTo identifier: AccountIdentifier, destination: String, session: String?) async throws -> User {
        if let wait = try await services.loginThrottle.wait(for: destination) {
            services.metrics.login("too_many_attempts")
            throw TesseraError.tooManyAttempts(retryAfter: wait)
        }
        guard try await services.codes.redeem(.login, to: destination, code: code, from: session) else {
            services.metrics.login("code_invalid")
            try await services.loginThrottle.recordFailure(for: destination)
            throw TesseraError.codeInvalid
        }
        var found = try await services.accounts.find(identifier)
        if found == nil, case .phone(let number) = identifier, services.smsAutoRegister {
            found = try await services.accounts.accountForVerifiedPhone(number)
        }
        guard var user = found else {
            services.metrics.login("code_invalid")
            throw TesseraError.codeInvalid
        }
        if user.isDisabled(at: services.accounts.clock.now()) {
            services.metrics.login("account_disabled")
            throw TesseraError.accountDisabled
        }
        if let address = ContactAddress(identifier) { user = try await services.accounts.markVerified(address, of: user) }
        try await services.loginThrottle.recordSuccess(for: destination)
        return user
    }

    func logout(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let ended = try await services.sessions.end(sessionID: identity.session.id, of: identity.user.id, reason: .loggedOut)
        services.metrics.sessionsEnded(.loggedOut, count: ended ? 1 : 0)
        var response = JSONResponse.noContent()
        response.headers.append(HTTPField(name: .setCookie, value: services.cookie.clearing()))
        return response
    }

    func current(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return JSONResponse.make(WhoAmI(user: UserView(user: identity.user), session: SessionView(session: identity.session, current: true)))
    }

    func list(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let sessions = try await services.sessions.sessions(of: identity.user.id)
        return JSONResponse.make(SessionsEnvelope(sessions: sessions.map { SessionView(session: $0, current: $0.id == identity.session.id) }))
    }

    func revoke(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = context.parameters.get("id") ?? ""
        guard try await services.sessions.end(sessionID: id, of: identity.user.id, reason: .kickedOut) else {
            throw TesseraError.notFound
        }
        services.metrics.sessionsEnded(.kickedOut, count: 1)
        return JSONResponse.noContent()
    }

    func revokeOthers(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let ended = try await services.sessions.endAll(of: identity.user.id, reason: .kickedOut, except: identity.session.id)
        services.metrics.sessionsEnded(.kickedOut, count: ended.count)
        return JSONResponse.noContent()
    }

    /// Device types are short lower-case words; `web` when not given.
    static func device(_ raw: String?) throws -> String {
        guard let raw else { return "web" }
        guard (1...32).contains(raw.count), raw.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
            throw APIError.invalidInput("A device type has 1 to 32 lower-case letters, digits, '-' or '_'.", field: "device")
        }
        return raw
    }

    static func text(_ raw: String?, field: String, limit: Int) throws -> String? {
        guard let raw else { return nil }
        guard raw.count <= limit, !raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.invalidInput("'\(field)' must be at most \(limit) characters without control characters.", field: field)
        }
        return raw.isEmpty ? nil : raw
    }
}
