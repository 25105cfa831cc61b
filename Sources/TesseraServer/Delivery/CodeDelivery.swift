import Foundation
import Logging
import TesseraCore

/// Decides what a request for a code sends, within the sending limits, and sends it.
///
/// Known and unknown destinations cost the same work and answer the same: a code is drawn
/// and stored either way, and exactly one message goes out — the code to an account's
/// address, or to an unknown one a notice that no account uses it (an unknown phone number
/// gets a login code when SMS logins register new accounts). A failing transport therefore
/// fails both alike, and only the owner of the address learns which case it was.
/// ```swift
/// try await delivery.send(.login, channel: .email, to: "ada@example.com", client: "203.0.113.9")
/// ```
struct CodeDelivery: Sendable {
    let codes: CodeService
    let accounts: AccountService
    let senders: MessageSenders
    let limiter: RateLimiter
    let rates: CodeRates
    let publicURL: URL
    let smsAutoRegister: Bool
    let logger: Logger

    /// Seconds before the same destination may get another code.
    var resendAfter: Int64 {
        TesseraError.retryAfterSeconds(rates.perDestination.emissionInterval)
    }

    /// `POST /api/codes`: `destination` normalised for its channel; `session`, the live
    /// session that asked, which the code is then bound to.
    func send(
        _ purpose: CodePurpose, channel: OutgoingMessage.Channel, to destination: String, client: String, boundTo session: String?
    ) async throws {
        try await admit(rates.perClient, key: client)
        try await admitDestination(channel: channel, destination)
        let identifier: AccountIdentifier = channel == .email ? .email(destination) : .phone(destination)
        let user = try await accounts.find(identifier)
        let code = try await codes.issue(purpose, to: destination, boundTo: session)
        let message: OutgoingMessage
        if purpose == .verify, let user {
            let link = try await verificationLink(LinkTarget(userID: user.id, email: destination))
            message = Messages.verification(code: code, link: link, to: destination)
        } else if user != nil || (purpose == .login && channel == .sms && smsAutoRegister) {
            message = Messages.code(code, for: purpose, channel: channel, to: destination)
        } else {
            message = Messages.noAccount(channel: channel, to: destination)
        }
        try await deliver(message)
    }

    /// After a registration that gave `email`: a verification message when the account got
    /// the address, a notice to the address's owner when another account has it. Failures
    /// are logged, not thrown: the account exists, and a new code can be asked for.
    func welcome(_ user: User, email: String) async {
        do {
            guard try await isAdmitted(rates.perDestination, key: destinationKey(.email, email)) else { return }
            if user.email == email {
                let code = try await codes.issue(.verify, to: email)
                let link = try await verificationLink(LinkTarget(userID: user.id, email: email))
                try await deliver(Messages.verification(code: code, link: link, to: email))
            } else {
                try await deliver(Messages.addressInUse(to: email))
            }
        } catch {
            logger.warning("registration message not sent", metadata: ["user": "\(user.id)", "error": "\(error)"])
        }
    }

    private func verificationLink(_ target: LinkTarget) async throws -> String {
        let token = try await codes.issueLink(for: target)
        // The configured origin, never the request's Host: a forged Host must not get
        // someone's link pointed at another site.
        var base = publicURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/verify-email?token=\(token)"
    }

    private func deliver(_ message: OutgoingMessage) async throws {
        do {
            try await senders.sender(for: message.channel).send(message)
            logger.info("message sent", metadata: [
                "channel": "\(message.channel.rawValue)", "kind": "\(message.kind.rawValue)", "to": "\(IdentifierDigest.hex(message.to).prefix(12))",
            ])
        } catch let error as DeliveryError {
            logger.error("message not sent", metadata: [
                "channel": "\(message.channel.rawValue)", "kind": "\(message.kind.rawValue)", "error": "\(error)",
            ])
            throw TesseraError.deliveryFailed
        }
    }

    private func admitDestination(channel: OutgoingMessage.Channel, _ destination: String) async throws {
        let key = destinationKey(channel, destination)
        try await admit(rates.perDestination, key: key)
        try await admit(rates.perDestinationDaily, key: key)
    }

    private func admit(_ rule: RateLimitRule, key: String) async throws {
        if case .limited(let wait) = try await limiter.acquire(rule, key: key) {
            throw TesseraError.rateLimited(retryAfter: wait)
        }
    }

    private func isAdmitted(_ rule: RateLimitRule, key: String) async throws -> Bool {
        if case .allowed = try await limiter.acquire(rule, key: key) { return true }
        return false
    }

    private func destinationKey(_ channel: OutgoingMessage.Channel, _ destination: String) -> String {
        "\(channel.rawValue):\(destination)"
    }
}
