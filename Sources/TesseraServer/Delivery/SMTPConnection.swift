import NIOCore
import NIOPosix
import NIOSSL

/// One TCP connection to an SMTP server: replies in, lines and message data out, and TLS
/// added in place for STARTTLS. The sender opens one per message and closes it after.
struct SMTPConnection: Sendable {
    let channel: any Channel
    let timeout: TimeAmount

    /// Connects within `timeout`; with `implicitTLS`, TLS starts before the greeting.
    static func connect(
        host: String, port: Int, implicitTLS: NIOSSLContext?, timeout: TimeAmount
    ) async throws -> SMTPConnection {
        let serverHostname = SMTPConnection.sniName(host)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: implicitTLS, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler())
                }
            }
            .connect(host: host, port: port).get()
        return SMTPConnection(channel: channel, timeout: timeout)
    }

    func nextReply() async throws -> SMTPReply {
        let eventLoop = channel.eventLoop
        let timeout = timeout
        return try await eventLoop.flatSubmit { [channel] in
            do {
                let handler = try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self)
                return handler.nextReply(on: eventLoop, timeout: timeout)
            } catch {
                return eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Puts TLS under the reply decoder. Refuses when the server sent anything after its
    /// 220 to STARTTLS: those plain-text bytes would be read as if they came over TLS.
    func startTLS(context: NIOSSLContext, host: String) async throws {
        let serverHostname = Self.sniName(host)
        try await channel.eventLoop.submit { [channel] in
            let handler = try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self)
            guard !handler.hasUnreadInput else { throw UnexpectedInputBeforeTLS() }
            let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
            try channel.pipeline.syncOperations.addHandler(tls, position: .first)
        }.get()
    }

    func close() async {
        try? await channel.close().get()
    }

    struct UnexpectedInputBeforeTLS: Error {}

    /// SNI and certificate names are host names; an IP address is checked against the
    /// certificate's IP entries instead.
    private static func sniName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}
