/// A command the client sends, and how it may appear in a log: by its verb alone, so that
/// credentials and addresses stay out of logs and error messages.
/// ```swift
/// let command = SMTPCommand.recipient("ada@example.com")
/// command.line  // "RCPT TO:<ada@example.com>"
/// command.verb  // "RCPT TO"
/// ```
public enum SMTPCommand: Sendable, Equatable {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// The base64 of `\0user\0password` (RFC 4616).
    case authPlain(String)
    case authLogin
    /// A base64 answer to a `334` challenge of AUTH LOGIN: the user, then the password.
    case authLoginAnswer(String)
    case mailFrom(String)
    case recipient(String)
    case data
    case quit

    /// The line on the wire, without its CRLF.
    public var line: String {
        switch self {
        case .ehlo(let name): "EHLO \(name)"
        case .helo(let name): "HELO \(name)"
        case .startTLS: "STARTTLS"
        case .authPlain(let answer): "AUTH PLAIN \(answer)"
        case .authLogin: "AUTH LOGIN"
        case .authLoginAnswer(let answer): answer
        case .mailFrom(let address): "MAIL FROM:<\(address)>"
        case .recipient(let address): "RCPT TO:<\(address)>"
        case .data: "DATA"
        case .quit: "QUIT"
        }
    }

    /// The verb alone: what logs and errors show. Never credentials or addresses.
    public var verb: String {
        switch self {
        case .ehlo: "EHLO"
        case .helo: "HELO"
        case .startTLS: "STARTTLS"
        case .authPlain: "AUTH PLAIN"
        case .authLogin, .authLoginAnswer: "AUTH LOGIN"
        case .mailFrom: "MAIL FROM"
        case .recipient: "RCPT TO"
        case .data: "DATA"
        case .quit: "QUIT"
        }
    }
}
