import NIOCore
import NIOPosix
import NIOSSL

/// One TCP connection to an SMTP server: replies in, lines and message data out, and TLS
/// added in place for STARTTLS. The sender opens one per message and closes it after.
struct SMTPConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<SMTPReplyHandler>
    let timeout: TimeAmount

    /// Connects within `timeout`; with `implicitTLS`, TLS starts before the greeting.
    static func connect(
        host: String, port: Int, implicitTLS: NIOSSLContext?, timeout: TimeAmount
    ) async throws -> SMTPConnection {
        let serverHostname = SMTPConnection.sniName(host)
        // The handler is kept from here on: once the channel closes, the pipeline no longer
        // holds it, and its recorded failure is what the next request must see.
        let (channel, handler) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: implicitTLS, serverHostname: serverHostname))
                    }
                    let handler = SMTPReplyHandler()
                    try channel.pipeline.syncOperations.addHandler(handler)
                    return (channel, NIOLoopBound(handler, eventLoop: channel.eventLoop))
                }
            }
        return SMTPConnection(channel: channel, handler: handler, timeout: timeout)
    }

    func nextReply() async throws -> SMTPReply {
        let eventLoop = channel.eventLoop
        let timeout = timeout
        return try await eventLoop.flatSubmit { [handler] in
            handler.value.nextReply(on: eventLoop, timeout: timeout)
        }.get()
    }

    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Puts TLS under the reply decoder. Refuses when the server sent anything after its
    /// 220 to STARTTLS: those plain-text bytes would be read as if they came over TLS.
    func startTLS(context: NIOSSLContext, host: String) async throws {
        let serverHostname = Self.sniName(host)
        try await channel.eventLoop.submit { [channel, handler] in
            guard !handler.value.hasUnreadInput else { throw UnexpectedInputBeforeTLS() }
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
