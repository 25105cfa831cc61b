import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Tells a seller's open pages of a new order through Tessera: `POST /api/admin/push` with
/// a token of an account that has the `admin` role. Tessera delivers it to the seller's
/// live `/api/events` sockets on every node.
struct TesseraPush: Sendable {
    let tesseraURL: String
    let token: String?
    let logger: Logger

    func orderCreated(_ order: Order) async {
        guard let token else {
            logger.notice("no TESSERA_PUSH_TOKEN: new orders are not pushed")
            return
        }
        do {
            let payload: [String: Any] = [
                "userId": order.sellerID, "event": "order.created",
                "data": ["id": order.id, "item": order.item, "quantity": order.quantity],
            ]
            var request = HTTPClientRequest(url: "\(tesseraURL)/api/admin/push")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: payload)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            if response.status != .accepted {
                logger.warning("push refused", metadata: ["status": "\(response.status.code)"])
            }
        } catch {
            logger.warning("push failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
        }
    }
}
