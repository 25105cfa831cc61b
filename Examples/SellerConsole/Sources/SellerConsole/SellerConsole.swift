import Foundation
import Hummingbird
import Logging
import TesseraClient
import TesseraCore

/// Seed 000's seller console: a Hummingbird app that lets Tessera sign people in (CAS mode
/// of TesseraClient), shows sellers their orders, and has new orders pushed to their open
/// pages through Tessera's live events.
///
/// Every route lies under `/console`, so the console and Tessera can share one origin
/// behind nginx — which the orders page needs, as Tessera accepts event sockets only from
/// its own origin.
///
/// Settings (environment): `SELLER_CONSOLE_PORT` (8090), `SELLER_CONSOLE_URL` (the public
/// origin its `/console` paths are served at, `http://127.0.0.1:<port>`), `TESSERA_URL`
/// (Tessera's public URL, `http://127.0.0.1:8080`), `TESSERA_PUSH_TOKEN` (an admin's token
/// for `POST /api/admin/push`; without it orders are not pushed).
@main
struct SellerConsole {
    static func main() async throws {
        let environment = ProcessInfo.processInfo.environment
        let port = Int(environment["SELLER_CONSOLE_PORT"] ?? "") ?? 8090
        let publicURL = environment["SELLER_CONSOLE_URL"] ?? "http://127.0.0.1:\(port)"
        let tesseraURL = environment["TESSERA_URL"] ?? "http://127.0.0.1:8080"
        let logger = Logger(label: "seller-console")

        let cas = TesseraCASClient(casURL: "\(tesseraURL)/cas", callbackURL: "\(publicURL)/console/auth/cas", cookieName: "seller_console_session")
        let push = TesseraPush(tesseraURL: tesseraURL, token: environment["TESSERA_PUSH_TOKEN"], logger: logger)
        let router = makeRouter(cas: cas, push: push, orders: OrderBook(), eventsURL: webSocketURL(tesseraURL) + "/api/events")
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService()
    }

    static func makeRouter(cas: TesseraCASClient, push: TesseraPush, orders: OrderBook, eventsURL: String) -> Router<AppContext> {
        let router = Router(context: AppContext.self)
        router.add(middleware: CASClientMiddleware(cas))
        let console = router.group("console")
        console.get("health") { _, _ in "ok" }
        console.get { _, _ in Response(status: .found, headers: [.location: "/console/orders"]) }

        console.group("orders")
            .add(middleware: RequireTesseraLogin(redirectTo: cas.loginRedirect))
            .add(middleware: RequireTesseraRole("seller"))
            .get { _, context in
                let seller = context.tesseraIdentity!
                return OrdersPage.render(
                    username: seller.username ?? seller.userID, orders: await orders.orders(of: seller.userID), eventsURL: eventsURL)
            }

        let api = console.group("api").add(middleware: RequireTesseraLogin())
        api.get("me") { _, context in
            json(try JSONEncoder().encode(context.tesseraIdentity))
        }
        api.post("orders") { request, context in
            let (sellerID, item, quantity) = try await orderInput(request, context: context)
            let order = await orders.add(sellerID: sellerID, item: item, quantity: quantity)
            await push.orderCreated(order)
            return json(try JSONEncoder().encode(order), status: .created)
        }

        console.post("logout") { request, _ in
            if let id = request.cookies[cas.cookieName]?.value { await cas.sessions.end(id: id) }
            return Response(status: .seeOther, headers: [
                .location: cas.logoutURL,
                .setCookie: "\(cas.cookieName)=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
            ])
        }
        return router
    }

    /// `{"sellerId", "item", "quantity"}`; anything else is a 400 in Tessera's error shape.
    static func orderInput(_ request: Request, context: AppContext) async throws -> (String, String, Int) {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any]
        guard let sellerID = object?["sellerId"] as? String, (1...64).contains(sellerID.count) else {
            throw TesseraClientError(.invalidInput(field: "sellerId", message: "Name the seller by id."))
        }
        guard let item = object?["item"] as? String, (1...200).contains(item.count) else {
            throw TesseraClientError(.invalidInput(field: "item", message: "Name the item, in 1 to 200 characters."))
        }
        guard let quantity = object?["quantity"] as? Int, (1...10_000).contains(quantity) else {
            throw TesseraClientError(.invalidInput(field: "quantity", message: "The quantity is a whole number from 1 to 10000."))
        }
        return (sellerID, item, quantity)
    }

    static func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func webSocketURL(_ url: String) -> String {
        if url.hasPrefix("https://") { return "wss://" + url.dropFirst("https://".count) }
        if url.hasPrefix("http://") { return "ws://" + url.dropFirst("http://".count) }
        return url
    }
}
