import Hummingbird
import TesseraCore

/// `POST /api/accounts` (registration), `POST /api/password` (change) and
/// `POST /api/password/reset` (with a code).
struct AccountRoutes {
    let services: TesseraServices

    struct Registration: Decodable {
        var username: String
        var password: String
        var email: String?
        var phone: String?
    }

    struct PasswordChange: Decodable {
        var currentPassword: String
        var newPassword: String
        var endOtherSessions: Bool?
    }

    struct PasswordReset: Decodable {
        var login: String
        var code: String
        var newPassword: String
    }

    func register(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let input = try await JSONRequest.decode(Registration.self, from: request, context: context)
        let user = try await services.accounts.register(username: input.username, password: input.password, email: input.email, phone: input.phone)
        var view = user
        // A taken address is not revealed: the answer shows it as given, unverified.
        if view.email == nil, let email = input.email { view.email = try AccountInput.email(email) }
        if view.phone == nil, let phone = input.phone { view.phone = try AccountInput.phone(phone) }
        context.logger.info("account registered", metadata: ["user": "\(user.id)"])
        if let email = view.email { await services.delivery.welcome(user, email: email) }
        return JSONResponse.make(status: .created, UserEnvelope(user: UserView(user: view)))
    }

    func changePassword(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let input = try await JSONRequest.decode(PasswordChange.self, from: request, context: context)
        try await services.accounts.changePassword(of: identity.user, current: input.currentPassword, new: input.newPassword)
        if input.endOtherSessions == true {
            let ended = try await services.sessions.endAll(of: identity.user.id, reason: .kickedOut, except: identity.session.id)
            services.metrics.sessionsEnded(.kickedOut, count: ended.count)
        }
        context.logger.info("password changed", metadata: ["user": "\(identity.user.id)"])
        return JSONResponse.noContent()
    }

    /// A new password for whoever holds a reset code sent to the account's e-mail address
    /// or phone number; every session of the account ends (`KICKED_OUT`). Wrong codes count
    /// against the address under the login back-off.
    func resetPassword(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let input = try await JSONRequest.decode(PasswordReset.self, from: request, context: context)
        let identifier = AccountInput.identifier(forLogin: input.login)
        let destination: String
        let proven: ContactAddress
        switch identifier {
        case .email(let address): (destination, proven) = (address, .email)
        case .phone(let number): (destination, proven) = (number, .phone)
        default: throw APIError.invalidInput("'login' must be the e-mail address or phone number the code was sent to.", field: "login")
        }
        guard input.newPassword.utf8.count <= 1024 else {
            throw APIError.invalidInput("A password has at most 1024 bytes.", field: "newPassword")
        }
        try services.accounts.checkNewPassword(input.newPassword, identifiers: [destination])
        if let wait = try await services.loginThrottle.wait(for: destination) {
            throw TesseraError.tooManyAttempts(retryAfter: wait)
        }
        guard try await services.codes.redeem(.reset, to: destination, code: input.code, from: services.codeBinding(request)) else {
            try await services.loginThrottle.recordFailure(for: destination)
            throw TesseraError.codeInvalid
        }
        guard let user = try await services.accounts.find(identifier) else { throw TesseraError.codeInvalid }
        try await services.accounts.resetPassword(of: user, to: input.newPassword)
        let ended = try await services.sessions.endAll(of: user.id, reason: .kickedOut)
        services.metrics.sessionsEnded(.kickedOut, count: ended.count)
        _ = try await services.accounts.markVerified(proven, of: user)
        try await services.loginThrottle.recordSuccess(for: destination)
        context.logger.info("password reset", metadata: ["user": "\(user.id)", "sessionsEnded": "\(ended.count)"])
        return JSONResponse.noContent()
    }
}

extension TesseraRequestContext {
    func requireIdentity() throws -> Identity {
        guard let identity else { throw TesseraError.refused(refusal) }
        return identity
    }
}
