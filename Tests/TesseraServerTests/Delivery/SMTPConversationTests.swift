import Logging
import NIOCore
import NIOPosix
import TesseraCore
import TesseraServer
import Testing

/// SMTPSender against scripted peers on a loopback socket: the misbehaving servers a real
/// one cannot be made into (silent, garbled, hanging up at awkward moments).
@Suite struct SMTPConversationTests {
    /// Answers the connection with `script[0]`, then each line the client sends with the
    /// next entry; `nil` hangs up instead of answering. Past the script's end it stays silent.
    final class ScriptedPeer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var script: [String?]
        private var pending: [UInt8] = []

        init(_ script: [String?]) {
            self.script = script
        }

        func channelActive(context: ChannelHandlerContext) {
            answer(context)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += Array(buffer: unwrapInboundIn(data))
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                // The message itself is answered once, at its final ".".
                if inData && line != ".\r" { continue }
                inData = line == "DATA\r"
                answer(context)
            }
        }

        private var inData = false

        private func answer(_ context: ChannelHandlerContext) {
            guard !script.isEmpty else { return }
            guard let reply = script.removeFirst() else {
                context.close(promise: nil)
                return
            }
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: reply)), promise: nil)
        }
    }

    /// `timeout` is short only where silence is the point: a busy machine can take a second
    /// to answer where nothing is wrong.
    private func withPeer(_ script: [String?], timeout: String = "20s", _ body: (SMTPSender) async throws -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ScriptedPeer(script)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        var logger = Logger(label: "tessera-test")
        logger.logLevel = .critical
        let port = server.localAddress!.port!
        let sender = try SMTPSender(
            settings: try SMTPSettings(url: "smtp://127.0.0.1:\(port)?timeout=\(timeout)"), from: try MailAddress(parsing: "no-reply@tessera.test"),
            clientName: "tessera.test", logger: logger)
        do {
            try await body(sender)
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    private let message = OutgoingMessage(channel: .email, to: "ada@example.com", kind: .loginCode, subject: "Code", text: "123456")
    private let untilData: [String?] = ["220 hi\r\n", "250 hello\r\n", "250 ok\r\n", "250 ok\r\n", "354 go\r\n"]

    @Test func aWholeTransaction() async throws {
        let message = message
        try await withPeer(untilData + ["250 queued\r\n", "221 bye\r\n"]) { try await $0.send(message) }
    }

    @Test func hangingUpInsteadOfAnsweringQUITStillDelivers() async throws {
        let message = message
        try await withPeer(untilData + ["250 queued\r\n", nil]) { try await $0.send(message) }
    }

    /// Runs `script` and returns the reason the delivery failed.
    private func failure(_ script: [String?], timeout: String = "20s") async throws -> String {
        let message = message
        var reason: String?
        try await withPeer(script, timeout: timeout) { sender in
            do {
                try await sender.send(message)
            } catch let error as DeliveryError {
                reason = error.description
            }
        }
        return try #require(reason, "delivered, expected a DeliveryError")
    }

    @Test func aSilentServerTimesOut() async throws {
        #expect(try await failure([], timeout: "1s") == "the SMTP server did not answer in time")
    }

    @Test func aServerThatStopsAnsweringMidwayTimesOut() async throws {
        #expect(try await failure(Array(untilData.prefix(3)), timeout: "1s") == "the SMTP server did not answer in time")
    }

    @Test(arguments: [
        (["HTTP/1.1 400 Bad Request\r\n"], "the SMTP server answered something that is not SMTP"),
        (["554 go away\r\n"], "the SMTP server answered 554 to greeting"),
        (["220 hi\r\n", nil], "the SMTP server closed the connection"),
        (["220 hi\r\n", "250 hello\r\n", "550 no such sender\r\n"], "the SMTP server answered 550 to MAIL FROM"),
        (["220 hi\r\n", "250 hello\r\n", "250 ok\r\n", "550 no such user\r\n"], "the SMTP server answered 550 to RCPT TO"),
        (["220 hi\r\n", "250 hello\r\n", "250 ok\r\n", "250 ok\r\n", "354 go\r\n", "552 too big\r\n"], "the SMTP server answered 552 to the message"),
        (["220 hi\r\n", "250 hello\r\n", "250 ok\r\n", "250 ok\r\n", "354 go\r\n", nil], "the SMTP server closed the connection"),
        (["220 hi\r\n", "250-hello\r\n250 STARTTLS\r\n", "220 go ahead\r\n250 injected\r\n"], "the SMTP server sent data before the TLS handshake"),
    ] as [([String?], String)])
    func refusalsGarbageAndHangupsAreDeliveryErrors(script: [String?], reason: String) async throws {
        let actual = try await failure(script)
        #expect(actual == reason, "got: \(actual)")
    }
}
