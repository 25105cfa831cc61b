import HTTPTypes
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
@_spi(WSInternal) import WSCore

/// HTTP/1 connections that may upgrade to the live-events WebSocket.
///
/// Hummingbird's own upgrade channel answers every refused upgrade with an empty 400, and
/// NIO has consumed the request by then, so no route can answer it. An auth service owes a
/// refused socket the same answer as any request — 401 with the reason, 403
/// `CSRF_REJECTED` for a foreign `Origin`, as JSON — so the decision returns either the
/// socket's handler or that error, and this channel writes the error and closes.
///
/// ```swift
/// Application(router: router, server: EventSocketChannel.builder(webSocket: .init(), shouldUpgrade: events.shouldUpgrade))
/// ```
struct EventSocketChannel: ServerChildChannel, HTTPChannelHandler {
    /// What a socket handler is told besides its streams.
    struct Context: WebSocketContext {
        let logger: Logger
    }

    typealias Decision = @Sendable (HTTPRequest, any Channel, Logger) async -> Upgrade

    enum Upgrade: Sendable {
        case accept(WebSocketDataHandler<Context>)
        case refuse(APIError)
    }
    private typealias SocketHandler = @Sendable (NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, Logger) async -> Void

    enum Negotiated: Sendable {
        case webSocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, @Sendable (NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, Logger) async -> Void)
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, APIError)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: Responder
    let http: HTTP1Channel.Configuration
    let webSocket: WebSocketServerConfiguration
    let decide: Decision

    static func builder(
        http: HTTP1Channel.Configuration = .init(), webSocket: WebSocketServerConfiguration, shouldUpgrade: @escaping Decision
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            EventSocketChannel(responder: responder, http: http, webSocket: webSocket, decide: shouldUpgrade)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // The decision that accepts an upgrade also picks the socket's handler; NIO asks
            // for the two in separate calls, so the handler waits here in between.
            let chosen = NIOLockedValueBox<SocketHandler?>(nil)
            let refusal = NIOLockedValueBox<APIError?>(nil)
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: webSocket.maxFrameSize,
                shouldUpgrade: { channel, head in
                    upgradeHeaders(head, channel: channel, logger: logger) { decision in
                        switch decision {
                        case .accept(let handler): chosen.withLockedValue { $0 = socketHandler(handler) }
                        case .refuse(let error): refusal.withLockedValue { $0 = error }
                        }
                    }
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard let handler = chosen.withLockedValue({ $0 }) else { throw ChannelError.inappropriateOperationForState }
                        let frames = try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        return Negotiated.webSocket(frames, handler)
                    }
                })
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try pipeline.addHandlers(http.additionalChannelHandlers())
                        try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: http.idleTimeout.map { .init($0) }, logger: logger))
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        if let error = refusal.withLockedValue({ $0 }) { return Negotiated.refused(http, error) }
                        return Negotiated.http(http)
                    }
                })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(upgradeConfiguration: upgrade)
            configuration.enablePipelining = false
            // A request the decoder cannot parse (too many headers, say) gets 400 and a close.
            configuration.enableErrorHandling = true
            configuration.enableResponseHeaderValidation = false
            configuration.decoderConfiguration.maxHeaderFieldSize = http.httpDecoder.maxHeaderFieldSize
            configuration.decoderConfiguration.maxHeaderListSize = http.httpDecoder.maxHeaderListSize
            configuration.decoderConfiguration.maxHeaderFieldCount = http.httpDecoder.maxHeaderFieldCount
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    /// The whole connection runs on its channel's event loop: reading a request, the
    /// handlers and writing the response stay on one thread, with no hop to Swift's global
    /// executor and back for each request. Blocking work never runs here (password hashing
    /// has its own thread pool).
    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopExecutor(value.channel.eventLoop)) {
            await serve(value, logger: logger)
        }
    }

    private func serve(_ value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http): await handleHTTP(asyncChannel: http, logger: logger)
            case .webSocket(let frames, let handler): await handler(frames, logger)
            case .refused(let http, let error): try await refuse(http, with: error)
            }
        } catch {
            logger.debug("connection ended before it was set up", metadata: ["error": "\(error)"])
        }
    }

    /// The upgrade's extra response headers (none), or nil to refuse it; `keep` receives
    /// the decision for the pipeline set up next.
    private func upgradeHeaders(
        _ head: HTTPRequestHead, channel: any Channel, logger: Logger, keep: @escaping @Sendable (Upgrade) -> Void
    ) -> EventLoopFuture<HTTPHeaders?> {
        let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
        promise.completeWithTask {
            let decision: Upgrade
            if let request = try? HTTPRequest(head, secure: false, splitCookie: false) {
                decision = await decide(request, channel, logger)
            } else {
                decision = .refuse(.invalidInput("The upgrade request is malformed."))
            }
            keep(decision)
            if case .accept = decision { return HTTPHeaders() }
            return nil
        }
        return promise.futureResult
    }

    /// Answers a refused upgrade with its JSON error and closes: the request was consumed
    /// by the upgrade attempt, so nothing else on this connection can be trusted to follow.
    private func refuse(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, with error: APIError) async throws {
        let body = error.body
        var headers = error.headers
        headers[.contentType] = JSONResponse.contentType
        headers[.contentLength] = String(body.count)
        headers[.connection] = "close"
        headers[.cacheControl] = "no-store"
        try await http.executeThenClose { _, outbound in
            try await outbound.write(contentsOf: [
                .head(HTTPResponse(status: error.status, headerFields: headers)), .body(ByteBuffer(bytes: body)), .end(nil),
            ])
        }
    }

    private func socketHandler(_ handler: @escaping WebSocketDataHandler<Context>) -> SocketHandler {
        let configuration = webSocket
        return { frames, logger in
            do {
                _ = try await WebSocketHandler.handle(
                    type: .server,
                    configuration: .init(
                        extensions: [], autoPing: configuration.autoPing, closeTimeout: configuration.closeTimeout,
                        validateUTF8: configuration.validateUTF8, maxFrameSize: configuration.maxFrameSize),
                    asyncChannel: frames, context: Context(logger: logger), handler: handler)
            } catch {
                logger.debug("event socket ended with an error", metadata: ["error": "\(error)"])
            }
        }
    }
}
