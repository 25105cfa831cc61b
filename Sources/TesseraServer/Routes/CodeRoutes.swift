import Hummingbird
import TesseraCore

/// `POST /api/codes`: a one-time code for logging in, verifying an e-mail address or
/// resetting a password, sent by e-mail or SMS. The answer is the same whether or not an
/// account uses the destination.
struct CodeRoutes {
    let services: TesseraServices

    struct CodeRequest: Decodable {
        var channel: String
        var to: String
        var purpose: String
    }

    func send(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        let input = try await JSONRequest.decode(CodeRequest.self, from: request, context: context)
        guard let channel = OutgoingMessage.Channel(rawValue: input.channel) else {
            throw APIError.invalidInput("'channel' must be 'email' or 'sms'.", field: "channel")
        }
        guard let purpose = CodePurpose(rawValue: input.purpose) else {
            throw APIError.invalidInput("'purpose' must be 'login', 'verify' or 'reset'.", field: "purpose")
        }
        guard purpose != .verify || channel == .email else {
            throw APIError.invalidInput("Only e-mail addresses are verified with a code; an SMS login proves a phone number.", field: "purpose")
        }
        let destination: String
        do {
            destination = channel == .email ? try AccountInput.email(input.to) : try AccountInput.phone(input.to)
        } catch TesseraError.invalidInput(_, let message) {
            throw APIError.invalidInput(message, field: "to")
        }
        let client = services.clientAddress.of(request, peer: context.peerAddress) ?? "unknown"
        try await services.delivery.send(purpose, channel: channel, to: destination, client: client, boundTo: services.codeBinding(request))
        return JSONResponse.make(status: .accepted, CodeSent(resendAfter: services.delivery.resendAfter))
    }
}
