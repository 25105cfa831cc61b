import Foundation
import TesseraCore

/// The client side of one SMTP transaction (RFC 5321, 3207, 4954) as an explicit state
/// machine: it takes the server's replies and says what to do next. It does no I/O, so
/// every path — STARTTLS refused, AUTH failed, HELO fallback — is tested without a server.
///
/// ```swift
/// var machine = SMTPClientStateMachine(transaction)
/// var action = machine.received(greeting)          // .send(.ehlo("login.example.com"))
/// action = machine.received(ehloReply)             // .startTLS, .send(.authPlain(…)), …
/// ```
/// The driver answers `.startTLS` by adding TLS to the connection and calling
/// ``tlsEstablished()``, `.sendMessage` by writing the dot-stuffed message.
public struct SMTPClientStateMachine: Sendable {
    public struct Transaction: Sendable {
        public var security: SMTPSettings.Security
        public var credentials: SMTPSettings.Credentials?
        public var allowsInsecureAuth: Bool
        /// The client's name in EHLO/HELO.
        public var clientName: String
        public var sender: String
        public var recipient: String

        public init(
            security: SMTPSettings.Security, credentials: SMTPSettings.Credentials?, allowsInsecureAuth: Bool,
            clientName: String, sender: String, recipient: String
        ) {
            self.security = security
            self.credentials = credentials
            self.allowsInsecureAuth = allowsInsecureAuth
            self.clientName = clientName
            self.sender = sender
            self.recipient = recipient
        }
    }

    public enum Action: Sendable, Equatable {
        case send(SMTPCommand)
        case startTLS
        case sendMessage
        /// The transaction is over (QUIT answered); close the connection.
        case close
        /// Give up: close the connection and report the error.
        case fail(DeliveryError)
    }

    enum State: Sendable, Equatable {
        case greeting
        case ehlo
        case helo
        case startTLS
        case tlsHandshake
        case authPlain
        /// AUTH LOGIN sent; the server asks for the user name.
        case authLogin
        /// The user name sent; the server asks for the password.
        case authLoginUsername
        /// The password sent; the server answers 235 or refuses.
        case authLoginPassword
        case mailFrom
        case recipient
        case data
        case message
        case quit
        case closed
    }

    private let transaction: Transaction
    private(set) var state: State = .greeting
    /// TLS protects the connection (implicit TLS, or after STARTTLS).
    public private(set) var isSecure: Bool
    /// The server accepted the message (250 after the data); QUIT's fate does not change it.
    public private(set) var isDelivered = false

    public init(_ transaction: Transaction) {
        self.transaction = transaction
        isSecure = transaction.security == .implicitTLS
    }

    public mutating func received(_ reply: SMTPReply) -> Action {
        switch state {
        case .greeting:
            return reply.code == 220 ? next(.ehlo, .ehlo(transaction.clientName)) : fail("greeting", reply)
        case .ehlo:
            if reply.code == 250 { return afterHello(extensions: Self.extensions(reply)) }
            // A server that does not know EHLO: HELO works but offers no STARTTLS and no AUTH.
            guard (500...504).contains(reply.code), !isSecure else { return fail("EHLO", reply) }
            return next(.helo, .helo(transaction.clientName))
        case .helo:
            return reply.code == 250 ? afterHello(extensions: [:]) : fail("HELO", reply)
        case .startTLS:
            if reply.code == 220 {
                state = .tlsHandshake
                return .startTLS
            }
            if transaction.security == .requiredStartTLS { return fail("STARTTLS", reply) }
            return authenticateOrSend(extensions: [:])
        case .tlsHandshake:
            return fail("TLS handshake", reply)
        case .authPlain:
            return reply.code == 235 ? sendMailFrom() : fail("AUTH PLAIN", reply)
        case .authLogin:
            guard reply.code == 334, let credentials = transaction.credentials else { return fail("AUTH LOGIN", reply) }
            return next(.authLoginUsername, .authLoginAnswer(Self.base64(credentials.username)))
        case .authLoginUsername:
            guard reply.code == 334, let credentials = transaction.credentials else { return fail("AUTH LOGIN", reply) }
            return next(.authLoginPassword, .authLoginAnswer(Self.base64(credentials.password)))
        case .authLoginPassword:
            return reply.code == 235 ? sendMailFrom() : fail("AUTH LOGIN", reply)
        case .mailFrom:
            return reply.code == 250 ? next(.recipient, .recipient(transaction.recipient)) : fail("MAIL FROM", reply)
        case .recipient:
            return reply.code == 250 || reply.code == 251 ? next(.data, .data) : fail("RCPT TO", reply)
        case .data:
            guard reply.code == 354 else { return fail("DATA", reply) }
            state = .message
            return .sendMessage
        case .message:
            guard reply.code == 250 else { return fail("the message", reply) }
            isDelivered = true
            return next(.quit, .quit)
        case .quit, .closed:
            state = .closed
            return .close
        }
    }

    /// TLS is in place after STARTTLS: greet again, as RFC 3207 §4.2 requires. The EHLO
    /// leaves only once the handshake is done; a failed handshake fails the next reply.
    public mutating func tlsEstablished() -> Action {
        guard state == .tlsHandshake else { return failClosed("TLS established out of turn") }
        isSecure = true
        return next(.ehlo, .ehlo(transaction.clientName))
    }

    private mutating func afterHello(extensions: [String: [String]]) -> Action {
        if !isSecure && transaction.security != .implicitTLS && extensions["STARTTLS"] != nil {
            return next(.startTLS, .startTLS)
        }
        if !isSecure && transaction.security == .requiredStartTLS {
            return failClosed("the SMTP server offers no STARTTLS and starttls=required")
        }
        return authenticateOrSend(extensions: extensions)
    }

    private mutating func authenticateOrSend(extensions: [String: [String]]) -> Action {
        guard let credentials = transaction.credentials else { return sendMailFrom() }
        guard isSecure || transaction.allowsInsecureAuth else {
            return failClosed("refusing to send SMTP credentials without TLS")
        }
        let mechanisms = Set(extensions["AUTH"] ?? [])
        if mechanisms.contains("PLAIN") {
            return next(.authPlain, .authPlain(Self.base64("\0\(credentials.username)\0\(credentials.password)")))
        }
        if mechanisms.contains("LOGIN") {
            return next(.authLogin, .authLogin)
        }
        return failClosed("the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN")
    }

    private mutating func sendMailFrom() -> Action {
        next(.mailFrom, .mailFrom(transaction.sender))
    }

    private mutating func next(_ state: State, _ command: SMTPCommand) -> Action {
        self.state = state
        return .send(command)
    }

    private mutating func fail(_ step: String, _ reply: SMTPReply) -> Action {
        failClosed("the SMTP server answered \(reply.code) to \(step)")
    }

    private mutating func failClosed(_ reason: String) -> Action {
        state = .closed
        return .fail(DeliveryError(reason))
    }

    /// EHLO keywords (upper-cased) and their parameters; the first line is the server's name.
    static func extensions(_ reply: SMTPReply) -> [String: [String]] {
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            extensions[keyword, default: []] += words.dropFirst()
        }
        return extensions
    }

    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}
