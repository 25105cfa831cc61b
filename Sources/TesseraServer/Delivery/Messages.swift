import Foundation
import TesseraCore

/// The words of every message Tessera sends, in one place.
///
/// ```swift
/// let message = Messages.code("048213", for: .login, channel: .sms, to: "+15551234567")
/// ```
enum Messages {
    static let product = "Tessera"

    /// A login or reset code.
    static func code(_ code: String, for purpose: CodePurpose, channel: OutgoingMessage.Channel, to destination: String) -> OutgoingMessage {
        let reset = purpose == .reset
        let what = reset ? "reset your password" : "log in"
        return OutgoingMessage(
            channel: channel, to: destination, kind: reset ? .resetCode : .loginCode,
            subject: reset ? "Your \(product) password reset code" : "Your \(product) login code",
            text: """
            Your code to \(what) is \(code). It works once, for 5 minutes.
            If you did not ask for it, ignore this message; nobody can use it without you.
            """)
    }

    /// Verification of an e-mail address: a code and a link, either of which works.
    static func verification(code: String, link: String, to email: String) -> OutgoingMessage {
        OutgoingMessage(
            channel: .email, to: email, kind: .verification, subject: "Verify your \(product) e-mail address",
            text: """
            To verify this address, open this link (it works once, for 24 hours):
            \(link)

            or enter this code (it works once, for 5 minutes): \(code)

            If you did not register, ignore this message.
            """)
    }

    /// Someone tried to register with an address an account already has.
    static func addressInUse(to email: String) -> OutgoingMessage {
        OutgoingMessage(
            channel: .email, to: email, kind: .addressInUse, subject: "Someone tried to register with your \(product) address",
            text: """
            Someone tried to create a \(product) account with this address, which your account already uses.
            If it was you, log in instead, or reset your password if you forgot it. Otherwise, ignore this message.
            """)
    }

    /// A code was asked for an address or number that no account uses.
    static func noAccount(channel: OutgoingMessage.Channel, to destination: String) -> OutgoingMessage {
        let what = channel == .email ? "address" : "number"
        return OutgoingMessage(
            channel: channel, to: destination, kind: .noAccount, subject: "No \(product) account uses this \(what)",
            text: """
            Someone asked for a \(product) code for this \(what), but no account uses it, so no code was sent.
            If it was you, register first or use the \(what) your account has. Otherwise, ignore this message.
            """)
    }
}
