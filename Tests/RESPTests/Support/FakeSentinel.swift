import NIOCore
import NIOPosix

@testable import RESP

/// A server on 127.0.0.1 that answers `SENTINEL get-master-addr-by-name` with an address chosen by
/// the test, as a sentinel that missed a failover would. It refuses `HELLO` (so the client falls
/// back to RESP2), accepts any `AUTH` and refuses everything else.
final class FakeSentinel: Sendable {
    let channel: any Channel

    var endpoint: RedisEndpoint { RedisEndpoint(host: "127.0.0.1", port: self.channel.localAddress?.port ?? 0) }

    /// Starts a fake that names `primary` for every master name.
    static func start(naming primary: RedisEndpoint) async throws -> FakeSentinel {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Answers(primary: primary))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakeSentinel(channel: channel)
    }

    private init(channel: any Channel) {
        self.channel = channel
    }

    func stop() async {
        try? await self.channel.close()
    }

    private final class Answers: ChannelInboundHandler {
        typealias InboundIn = RESPValue
        typealias OutboundOut = ByteBuffer

        let primary: RedisEndpoint

        init(primary: RedisEndpoint) {
            self.primary = primary
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let name = self.unwrapInboundIn(data).array?.first?.string?.uppercased() ?? ""
            let host = self.primary.host
            let port = String(self.primary.port)
            let answer = switch name {
            case "AUTH": "+OK\r\n"
            case "SENTINEL": "*2\r\n$\(host.utf8.count)\r\n\(host)\r\n$\(port.utf8.count)\r\n\(port)\r\n"
            default: "-ERR unknown command '\(name)'\r\n"
            }
            context.writeAndFlush(self.wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
        }
    }
}
