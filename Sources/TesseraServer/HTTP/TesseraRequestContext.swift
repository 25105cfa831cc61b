import Hummingbird
import NIOCore
import TesseraCore

/// Who is calling: the request context every Tessera route receives. Holds the session id
/// and the user once ``SessionMiddleware`` has resolved them (the seeds' ThreadLocal, done
/// as a value); session data itself stays in the store.
public struct TesseraRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The socket's peer; see ``ClientAddress`` for the address used in rules and records.
    public let peerAddress: SocketAddress?
    /// Set by ``SessionMiddleware`` when a live session was presented.
    public var identity: Identity?
    /// Why there is no identity, when a token was looked at.
    public var refusal: RefusalReason = .notLoggedIn

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress
    }

    /// Bodies are small JSON documents.
    public var maxUploadSize: Int { 64 * 1024 }
}

/// The caller's live session and account.
public struct Identity: Sendable {
    public var session: Session
    public var ref: SessionRef
    public var user: User
}
