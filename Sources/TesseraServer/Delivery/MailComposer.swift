import Foundation
import TesseraCore

/// Writes an ``OutgoingMessage`` as an RFC 5322 message: From, To, Subject, Date,
/// Message-ID, MIME-Version and a `text/plain; charset=utf-8` body in quoted-printable.
///
/// Every header value comes from a validated ``MailAddress`` or through ``EncodedWord``, and
/// subjects with control characters are refused, so no input can add a header or end one
/// early.
/// ```swift
/// let composer = MailComposer(from: try MailAddress(parsing: "Tessera <no-reply@example.com>"))
/// let bytes = try composer.compose(message, to: try MailAddress(parsing: message.to), date: Date())
/// ```
public struct MailComposer: Sendable {
    public var from: MailAddress

    public init(from: MailAddress) {
        self.from = from
    }

    public func compose(_ message: OutgoingMessage, to recipient: MailAddress, date: Date) throws(DeliveryError) -> [UInt8] {
        guard !message.subject.unicodeScalars.contains(where: MailAddress.isControl) else {
            throw DeliveryError("the subject contains a control character")
        }
        let headers = [
            "From: \(from.headerValue)",
            "To: \(recipient.headerValue)",
            "Subject: \(EncodedWord.text(message.subject))",
            "Date: \(Self.rfc5322(date))",
            "Message-ID: <\(SecureRandom.identifier(length: 24))@\(from.domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        return Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + QuotedPrintable.encode(message.text) + "\r\n").utf8)
    }

    /// RFC 5322 §3.3: `Mon, 23 Nov 2026 05:50:00 +0000`.
    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
