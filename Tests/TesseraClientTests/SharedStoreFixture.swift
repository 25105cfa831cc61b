import Foundation
import Hummingbird
import HummingbirdTesting
import RESP
import TesseraClient
import TesseraCore
import TesseraStores

/// The request context of the test app: Hummingbird's, plus the two properties the client
/// middleware fills in.
struct AppContext: TesseraRequestContext {
    var coreContext: CoreRequestContextStorage
    var tesseraIdentity: TesseraIdentity?
    var tesseraRefusal: RefusalReason = .notLoggedIn

    init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// Tessera's side (a session service and an account store, set up the way a Tessera node
/// sets them up) and an app that trusts it through ``TesseraSharedStore``, sharing one store.
struct SharedStoreFixture {
    enum Backend: String, CaseIterable, Sendable {
        case memory, redis
        static var available: [Backend] { TestServers.redisEnabled ? allCases : [.memory] }
    }

    let serverKey = SecureRandom.bytes(32)
    let tessera: SessionService
    let accounts: SQLiteAccountStore
    let client: TesseraSharedStore
    let redis: RedisClient?
    let directory: String

    init(_ backend: Backend) async throws {
        directory = NSTemporaryDirectory() + "tessera-client-" + SecureRandom.identifier(length: 12)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        accounts = try await SQLiteAccountStore(path: directory + "/tessera.sqlite")
        let tokens = SessionTokens(serverKey: .init(data: serverKey))
        switch backend {
        case .memory:
            redis = nil
            tessera = SessionService(tokens: tokens, store: MemorySessionStore(), policy: SessionPolicy())
            client = TesseraSharedStore(sessions: tessera, accounts: accounts)
        case .redis:
            let redis = RedisClient(configuration: try RedisConfiguration(url: try TestServers.requireRedisURL()))
            let namespace = "client-test-" + SecureRandom.identifier(length: 10)
            self.redis = redis
            tessera = SessionService(tokens: tokens, store: RedisSessionStore(client: redis, namespace: namespace), policy: SessionPolicy())
            // The app's own view: built from the key, Redis and namespace only.
            client = TesseraSharedStore(redis: redis, serverKey: serverKey, namespace: namespace, accounts: accounts)
        }
    }

    func user(_ username: String, roles: [String] = []) async throws -> User {
        try await accounts.create(NewAccount(username: username, passwordHash: nil, roles: roles))
    }

    func close() async {
        await redis?.close()
        try? await accounts.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `/me` for anyone signed in, `/seller` for sellers, `/cart` reads and writes session data.
    func router() -> Router<AppContext> {
        let router = Router(context: AppContext.self)
        router.add(middleware: TesseraSessionMiddleware(client))
        let signedIn = router.group().add(middleware: RequireTesseraLogin())
        signedIn.get("me") { _, context in
            String(decoding: try JSONEncoder().encode(context.tesseraIdentity), as: UTF8.self)
        }
        signedIn.put("cart") { request, context in
            let cart = try await request.decode(as: Cart.self, context: context)
            try await client.data(of: context.tesseraIdentity!).set("cart", to: cart)
            return HTTPResponse.Status.noContent
        }
        signedIn.get("cart") { _, context in
            let cart = try await client.data(of: context.tesseraIdentity!).get("cart", as: Cart.self)
            return String(decoding: try JSONEncoder().encode(cart), as: UTF8.self)
        }
        router.group("seller").add(middleware: RequireTesseraRole("seller")).get { _, context in
            "orders for \(context.tesseraIdentity?.username ?? "")"
        }
        router.group("pages").add(middleware: RequireTesseraLogin(redirectTo: { _ in "/login" })).get { _, _ in "page" }
        return router
    }
}

struct Cart: Codable, Equatable {
    var items: [String]
    var total: Double
}
