import Hummingbird
import TesseraClient
import TesseraCore

/// The console's request context: Hummingbird's, plus who is calling as Tessera says.
struct AppContext: TesseraRequestContext {
    var coreContext: CoreRequestContextStorage
    var tesseraIdentity: TesseraIdentity?
    var tesseraRefusal: RefusalReason = .notLoggedIn

    init(source: Source) {
        coreContext = .init(source: source)
    }
}
