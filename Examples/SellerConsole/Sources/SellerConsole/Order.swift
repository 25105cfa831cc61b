import Foundation

/// An order placed with a seller.
struct Order: Codable, Sendable, Equatable {
    var id: String
    var sellerID: String
    var item: String
    var quantity: Int
    var placedAt: Date
}

/// The orders of this console, in memory: an example, not a shop.
actor OrderBook {
    private var orders: [Order] = []

    func add(sellerID: String, item: String, quantity: Int) -> Order {
        let order = Order(id: "o-\(orders.count + 1)", sellerID: sellerID, item: item, quantity: quantity, placedAt: Date())
        orders.append(order)
        return order
    }

    func orders(of sellerID: String) -> [Order] {
        orders.filter { $0.sellerID == sellerID }.reversed()
    }
}
