import Foundation
import Hummingbird

/// The seller's orders page: the orders so far, and new ones as Tessera pushes them over
/// its `/api/events` WebSocket (a few lines of script, no framework).
enum OrdersPage {
    static func render(username: String, orders: [Order], eventsURL: String) -> Response {
        let rows = orders.map { row(id: $0.id, item: $0.item, quantity: $0.quantity) }.joined()
        let html = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Orders</title></head>
            <body>
            <h1>Orders for \(escape(username))</h1>
            <p id="status">connecting…</p>
            <table><thead><tr><th>Order</th><th>Item</th><th>Quantity</th></tr></thead>
            <tbody id="orders">\(rows)</tbody></table>
            <form method="post" action="/console/logout"><button>Sign out</button></form>
            <script>
            const socket = new WebSocket(\(jsonString(eventsURL)));
            const status = document.getElementById("status");
            socket.onopen = () => { status.textContent = "live"; };
            socket.onclose = () => { status.textContent = "offline"; };
            socket.onmessage = (message) => {
              const event = JSON.parse(message.data);
              if (event.type !== "push" || event.event !== "order.created") return;
              const row = document.createElement("tr");
              for (const value of [event.data.id, event.data.item, event.data.quantity]) {
                const cell = document.createElement("td");
                cell.textContent = String(value);
                row.appendChild(cell);
              }
              document.getElementById("orders").prepend(row);
            };
            </script>
            </body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private static func row(id: String, item: String, quantity: Int) -> String {
        "<tr><td>\(escape(id))</td><td>\(escape(item))</td><td>\(quantity)</td></tr>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    /// A JavaScript string literal that cannot close the script element.
    private static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
        return String(array.dropFirst().dropLast())
    }
}
