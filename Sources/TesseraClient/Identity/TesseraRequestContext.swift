import Hummingbird
import TesseraCore

/// What an app's request context holds so the client middleware can fill it in: the caller's
/// identity, or why there is none. The app keeps its own context type and adds two stored
/// properties.
///
/// ```swift
/// struct AppContext: RequestContext, TesseraRequestContext {
///     var coreContext: CoreRequestContextStorage
///     var tesseraIdentity: TesseraIdentity?
///     var tesseraRefusal: RefusalReason = .notLoggedIn
///     init(source: Source) { coreContext = .init(source: source) }
/// }
/// ```
public protocol TesseraRequestContext: RequestContext {
    var tesseraIdentity: TesseraIdentity? { get set }
    /// Why ``tesseraIdentity`` is nil; `NOT_LOGGED_IN` until a token was looked at.
    var tesseraRefusal: RefusalReason { get set }
}
