import Foundation
import HTTPTypes
import Hummingbird
import TesseraCore

/// `GET /register` and its form's `POST /register`: an account with a username, a
/// password and optionally an e-mail address, which then gets the verification message
/// (a code and a link), exactly as `POST /api/accounts` does. A taken e-mail address is
/// not revealed here either.
///
/// ```swift
/// let register = RegisterPage(services: services)
/// group.route(.get, "/register", in: table, use: register.page)
/// ```
struct RegisterPage {
    let services: TesseraServices

    func page(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        PageRequest(request, secure: services.cookie.secure).respond("register", title: "register_title")
    }

    func submit(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let fields = try await PageRequest.form(of: request)
        let page = PageRequest(request, secure: services.cookie.secure)
        let username = String((fields["username"] ?? "").prefix(64))
        let email = (fields["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let values: [String: Any] = ["username": username, "email": String(email.prefix(320))]
        guard services.origin.allows(request), FormToken.matches(request, form: fields, secure: services.cookie.secure) else {
            return page.respond("register", title: "register_title", values.merging(["message": page.strings["form_expired"] ?? ""]) { $1 }, status: .forbidden)
        }
        do {
            let user = try await services.accounts.register(
                username: username, password: fields["password"] ?? "", email: email.isEmpty ? nil : email, phone: nil)
            context.logger.info("account registered on the register page", metadata: ["user": "\(user.id)"])
            if !email.isEmpty { await services.delivery.welcome(user, email: try AccountInput.email(email)) }
        } catch let error as TesseraError {
            switch error {
            case .invalidInput, .weakPassword, .usernameTaken:
                let message = page.language == .chinese ? error.simplifiedChineseMessage : error.message
                return page.respond("register", title: "register_title", values.merging(["message": message]) { $1 }, status: APIError(error).status)
            default:
                throw error
            }
        }
        let done = page.strings["register_done_text"] ?? ""
        return page.page(title: page.strings["register_done_title"] ?? "", body: "<p role=\"status\">\(HTMLPage.escape(done))</p>\n<p><a href=\"/login\">\(HTMLPage.escape(page.strings["nav_login"] ?? ""))</a></p>\n")
            .response(status: .created, headers: page.cookies())
    }
}
