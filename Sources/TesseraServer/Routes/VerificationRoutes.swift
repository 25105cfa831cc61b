import Foundation
import HTTPTypes
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
        guard try await services.codes.redeem(.verify, to: email, code: input.code, from: services.codeBinding(request)),
              let user = try await services.accounts.find(.email(email))
        else { throw TesseraError.codeInvalid }
        let verified = try await services.accounts.markVerified(.email, of: user)
        context.logger.info("e-mail verified by code", metadata: ["user": "\(user.id)"])
        return JSONResponse.make(UserEnvelope(user: UserView(user: verified)))
    }

    /// A page, as the link is opened in a browser. The link verifies the address it was
    /// sent to, and only while the account still has that address. The token is in the
    /// URL, so the page sends no referrer at all, not even to this site.
    func verifyByLink(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let token = request.uri.queryParameters.get("token") ?? ""
        let page = PageRequest(request, secure: services.cookie.secure)
        let strings = page.strings
        func answer(_ title: String, _ body: String, _ status: HTTPResponse.Status) -> Response {
            var html = page.page(title: title, body: body)
            html.referrerPolicy = "no-referrer"
            return html.response(status: status, headers: page.cookies())
        }
        if let target = try await services.codes.redeemLink(token),
           let user = try await services.accounts.find(.id(target.userID)), user.email == target.email {
            _ = try await services.accounts.markVerified(.email, of: user)
            context.logger.info("e-mail verified by link", metadata: ["user": "\(user.id)"])
            let text = HTMLPage.escape(strings["verify_ok_text"] ?? "").replacingOccurrences(of: "{email}", with: HTMLPage.escape(target.email))
            return answer(strings["verify_ok_title"] ?? "", "<p role=\"status\">\(text)</p>\n<p><a href=\"/login\">\(HTMLPage.escape(strings["nav_login"] ?? ""))</a></p>\n", .ok)
        }
        return answer(strings["verify_bad_title"] ?? "", "<p role=\"alert\">\(HTMLPage.escape(strings["verify_bad_text"] ?? ""))</p>\n", .badRequest)
    }
}
