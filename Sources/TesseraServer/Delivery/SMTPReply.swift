/// One reply of an SMTP server: a three-digit code and its text lines (RFC 5321 §4.2).
///
/// A multi-line reply (`250-mail.example.com`, `250-STARTTLS`, `250 SIZE 1000`) is one
/// reply with three lines.
/// ```swift
/// let reply = SMTPReply(code: 250, lines: ["mail.example.com", "STARTTLS"])
/// reply.isPositiveCompletion  // true
/// ```
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    /// The text after the code on each line, without the separator and line ending.
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2yz: the command was carried out.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
}
