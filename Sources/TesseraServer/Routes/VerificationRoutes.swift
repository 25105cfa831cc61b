import Hummingbird
import TesseraCore

/// E-mail verification: `POST /api/verification/email` with the code, or
/// `GET /verify-email?token=…` from the link, each of the registration message.
struct VerificationRoutes {
    let services: TesseraServices

    struct EmailCode: Decodable {
        var email: String
        var code: String
    }

    func verifyByCode(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let input = try await JSONRequest.decode(EmailCode.self, from: request, context: context)
        let email = try AccountInput.email(input.email)
        guard try await services.codes.redeem(.verify, to: email, code: input.code, from: context.sessionRef?.id),
              let user = try await services.accounts.find(.email(email))
        else { throw TesseraError.codeInvalid }
        let verified = try await services.accounts.markEmailVerified(user)
        context.logger.info("e-mail verified by code", metadata: ["user": "\(user.id)"])
        return JSONResponse.make(UserEnvelope(user: UserView(user: verified)))
    }

    /// A page, as the link is opened in a browser. The link verifies the address it was
    /// sent to, and only while the account still has that address.
    func verifyByLink(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let token = request.uri.queryParameters.get("token") ?? ""
        if let target = try await services.codes.redeemLink(token),
           let user = try await services.accounts.find(.id(target.userID)), user.email == target.email {
            _ = try await services.accounts.markEmailVerified(user)
            context.logger.info("e-mail verified by link", metadata: ["user": "\(user.id)"])
            return HTMLPage(
                title: "E-mail address verified",
                body: "<p>The address \(HTMLPage.escape(target.email)) is verified. You can close this page.</p>"
            ).response(status: .ok)
        }
        return HTMLPage(
            title: "This link does not work",
            body: "<p>The link is wrong, expired or used already. Log in and ask for a new verification message.</p>"
        ).response(status: .badRequest)
    }
}
