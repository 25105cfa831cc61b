import Foundation
import TesseraCore
import TesseraServer
import Testing

@Suite struct SMTPClientStateMachineTests {
    private let credentials = SMTPSettings.Credentials(username: "mailer", password: "s3cret")

    private func machine(
        _ security: SMTPSettings.Security = .opportunisticStartTLS, credentials: SMTPSettings.Credentials? = nil,
        allowsInsecureAuth: Bool = false
    ) -> SMTPClientStateMachine {
        SMTPClientStateMachine(.init(
            security: security, credentials: credentials, allowsInsecureAuth: allowsInsecureAuth, clientName: "login.example.com",
            sender: "no-reply@example.com", recipient: "ada@example.com"))
    }

    private func reply(_ code: Int, _ lines: String...) -> SMTPReply {
        SMTPReply(code: code, lines: lines.isEmpty ? [""] : lines)
    }

    /// Runs the transaction after the given EHLO reply to its end, answering every command
    /// with the usual success, and returns the commands sent.
    private func runToEnd(_ machine: inout SMTPClientStateMachine, ehlo: SMTPReply) -> [SMTPCommand] {
        var commands: [SMTPCommand] = []
        #expect(machine.received(reply(220, "mail.example.com ESMTP")) == .send(.ehlo("login.example.com")))
        var action = machine.received(ehlo)
        while true {
            switch action {
            case .send(let command):
                commands.append(command)
                let answers: [String: Int] = [
                    "AUTH PLAIN": 235, "DATA": 354, "QUIT": 221, "STARTTLS": 220,
                    "AUTH LOGIN": commands.filter { $0.verb == "AUTH LOGIN" }.count < 3 ? 334 : 235,
                ]
                action = machine.received(command.verb == "EHLO" ? ehlo : reply(answers[command.verb] ?? 250))
            case .startTLS:
                #expect(commands.last == .startTLS)
                action = machine.tlsEstablished()
            case .sendMessage:
                action = machine.received(reply(250, "queued"))
            case .close:
                return commands
            case .fail(let error):
                Issue.record("failed: \(error)")
                return commands
            }
        }
    }

    @Test func plainTransactionWithoutExtensions() {
        var machine = machine()
        let commands = runToEnd(&machine, ehlo: reply(250, "mail.example.com"))
        let expected: [SMTPCommand] = [.mailFrom("no-reply@example.com"), .recipient("ada@example.com"), .data, .quit]
        #expect(commands == expected)
        #expect(machine.isDelivered)
        #expect(!machine.isSecure)
    }

    @Test func startTLSWhenOfferedThenEHLOAgainThenAuthPlain() {
        var machine = machine(credentials: credentials)
        let commands = runToEnd(&machine, ehlo: reply(250, "mail.example.com", "STARTTLS", "AUTH LOGIN PLAIN"))
        // After STARTTLS the first EHLO reply would offer STARTTLS again; the machine does not loop.
        let plain = SMTPCommand.authPlain(Data("\0mailer\0s3cret".utf8).base64EncodedString())
        let tail: [SMTPCommand] = [.mailFrom("no-reply@example.com"), .recipient("ada@example.com"), .data, .quit]
        #expect(commands.first == SMTPCommand.startTLS)
        #expect(commands.filter { $0 == SMTPCommand.startTLS }.count == 1)
        #expect(commands.contains(plain))
        #expect(Array(commands.suffix(4)) == tail)
        #expect(machine.isSecure && machine.isDelivered)
    }

    @Test func authLoginWhenPlainIsNotOffered() {
        var machine = machine(.implicitTLS, credentials: credentials)
        let commands = runToEnd(&machine, ehlo: reply(250, "mail.example.com", "AUTH LOGIN"))
        let expected: [SMTPCommand] = [
            .authLogin, .authLoginAnswer(Data("mailer".utf8).base64EncodedString()), .authLoginAnswer(Data("s3cret".utf8).base64EncodedString()),
        ]
        #expect(Array(commands.prefix(3)) == expected)
        #expect(machine.isDelivered)
    }

    @Test func credentialsAreNeverSentWithoutTLS() {
        var machine = machine(credentials: credentials)
        _ = machine.received(reply(220))
        guard case .fail = machine.received(reply(250, "mail.example.com", "AUTH PLAIN")) else {
            Issue.record("sent credentials in plain text")
            return
        }
    }

    @Test func insecureAuthOnlyWhenAllowed() {
        var machine = machine(credentials: credentials, allowsInsecureAuth: true)
        _ = machine.received(reply(220))
        guard case .send(.authPlain) = machine.received(reply(250, "localhost", "AUTH PLAIN")) else {
            Issue.record("expected AUTH PLAIN")
            return
        }
    }

    @Test func requiredStartTLSFailsWhenNotOffered() {
        var machine = machine(.requiredStartTLS)
        _ = machine.received(reply(220))
        guard case .fail = machine.received(reply(250, "mail.example.com", "SIZE 100")) else {
            Issue.record("sent without TLS")
            return
        }
    }

    @Test func refusedStartTLSFailsWhenRequiredAndContinuesWhenOpportunistic() {
        var required = machine(.requiredStartTLS)
        _ = required.received(reply(220))
        #expect(required.received(reply(250, "m", "STARTTLS")) == .send(.startTLS))
        guard case .fail = required.received(reply(454, "TLS not available")) else {
            Issue.record("went on without TLS")
            return
        }
        var opportunistic = machine()
        _ = opportunistic.received(reply(220))
        _ = opportunistic.received(reply(250, "m", "STARTTLS"))
        #expect(opportunistic.received(reply(454)) == .send(.mailFrom("no-reply@example.com")))
    }

    @Test func heloWhenEHLOIsUnknown() {
        var machine = machine()
        _ = machine.received(reply(220))
        #expect(machine.received(reply(502, "command not implemented")) == .send(.helo("login.example.com")))
        #expect(machine.received(reply(250)) == .send(.mailFrom("no-reply@example.com")))
    }

    @Test func wrongPasswordFails() {
        var machine = machine(.implicitTLS, credentials: credentials)
        _ = machine.received(reply(220))
        _ = machine.received(reply(250, "m", "AUTH PLAIN"))
        #expect(machine.received(reply(535, "5.7.8 Authentication credentials invalid")) == .fail(DeliveryError("the SMTP server answered 535 to AUTH PLAIN")))
        #expect(!machine.isDelivered)
    }

    @Test(arguments: [(0, 554), (1, 550), (2, 550), (3, 451), (4, 552)])
    func aRefusalAtAnyStepFails(step: Int, code: Int) {
        var machine = machine()
        let successes = [reply(220), reply(250, "m"), reply(250), reply(250), reply(354)]
        for index in 0..<step { _ = machine.received(successes[index]) }
        guard case .fail = machine.received(reply(code)) else {
            Issue.record("step \(step) went on after \(code)")
            return
        }
        #expect(!machine.isDelivered)
    }

    @Test func commandsLogNoSecrets() {
        #expect(SMTPCommand.authPlain("AG1haWxlcgBzM2NyZXQ=").verb == "AUTH PLAIN")
        #expect(SMTPCommand.authLoginAnswer("czNjcmV0").verb == "AUTH LOGIN")
        #expect(SMTPCommand.recipient("ada@example.com").verb == "RCPT TO")
    }
}
