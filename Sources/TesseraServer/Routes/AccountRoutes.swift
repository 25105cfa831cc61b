import Hummingbird
import TesseraCore

/// `POST /api/accounts` (registration) and `POST /api/password` (change).
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

    func register(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let input = try await JSONRequest.decode(Registration.self, from: request, context: context)
        let user = try await services.accounts.register(username: input.username, password: input.password, email: input.email, phone: input.phone)
        var view = user
        // A taken address is not revealed: the answer shows it as given, unverified.
        if view.email == nil, let email = input.email { view.email = try AccountInput.email(email) }
        if view.phone == nil, let phone = input.phone { view.phone = try AccountInput.phone(phone) }
        context.logger.info("account registered", metadata: ["user": "\(user.id)"])
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
}

extension TesseraRequestContext {
    func requireIdentity() throws -> Identity {
        guard let identity else { throw TesseraError.refused(refusal) }
        return identity
    }
}
