import NIOCore
import NIOPosix
import Synchronization

@testable import RESP

/// A server on 127.0.0.1 that answers `SENTINEL get-master-addr-by-name` with an address chosen by
/// the test, as a sentinel that missed a failover would, or with nil, as a sentinel that monitors
/// no such master does. It refuses `HELLO` (so the client falls back to RESP2), accepts any `AUTH`
/// and refuses everything else.
final class FakeSentinel: Sendable {
    private final class Questions: Sendable {
        let count = Atomic<Int>(0)
    }

    private let listener: LoopbackListener
    private let questions: Questions

    var endpoint: RedisEndpoint { self.listener.endpoint }

    /// How many `SENTINEL` commands it was sent.
    var asked: Int { self.questions.count.load(ordering: .relaxed) }

    /// Starts a fake that names `primary` (or no primary) for every master name.
    static func start(naming primary: RedisEndpoint?) async throws -> FakeSentinel {
        let questions = Questions()
        let listener = try await LoopbackListener.start { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
                try channel.pipeline.syncOperations.addHandler(Answers(primary: primary, questions: questions))
            }
        }
        return FakeSentinel(listener: listener, questions: questions)
    }

    private init(listener: LoopbackListener, questions: Questions) {
        self.listener = listener
        self.questions = questions
    }

    func stop() async {
        await self.listener.stop()
    }

    private final class Answers: ChannelInboundHandler {
        typealias InboundIn = RESPValue
        typealias OutboundOut = ByteBuffer

        let primary: RedisEndpoint?
        let questions: Questions

        init(primary: RedisEndpoint?, questions: Questions) {
            self.primary = primary
            self.questions = questions
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let name = self.unwrapInboundIn(data).array?.first?.string?.uppercased() ?? ""
            let answer: String
            switch (name, self.primary) {
            case ("AUTH", _):
                answer = "+OK\r\n"
            case ("SENTINEL", let primary?):
                self.questions.count.add(1, ordering: .relaxed)
                let port = String(primary.port)
                answer = "*2\r\n$\(primary.host.utf8.count)\r\n\(primary.host)\r\n$\(port.utf8.count)\r\n\(port)\r\n"
            case ("SENTINEL", nil):
                self.questions.count.add(1, ordering: .relaxed)
                answer = "*-1\r\n"
            default:
                answer = "-ERR unknown command '\(name)'\r\n"
            }
            context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
        }
    }
}
