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
    /// Set by ``SessionMiddleware`` when the token names a live anonymous session and
    /// anonymous sessions are on. Such a caller is not logged in: `identity` stays nil and
    /// `refusal` `NOT_LOGGED_IN`.
    public var anonymousSession: SessionRef?
    /// Why there is no identity, when a token was looked at.
    public var refusal: RefusalReason = .notLoggedIn
    /// The token came from the cookie rather than an `Authorization` header.
    public var authenticatedByCookie = false

    /// The live session the request presented, a user's or an anonymous one: what session
    /// data is read from and written to.
    public var sessionRef: SessionRef? { identity?.ref ?? anonymousSession }

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
