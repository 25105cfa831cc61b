import HTTPTypes
import Hummingbird
import TesseraCore

/// `GET /dev/outbox`: the messages a dev-mode node would have sent, newest first, as JSON or,
/// for a browser, as a page; `?to=` keeps those to one address or number. 404 outside dev mode.
struct DevOutboxRoutes {
    let services: TesseraServices

    func list(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        guard let outbox = services.senders.outbox else { throw TesseraError.notFound }
        let to: String? = request.uri.queryParameters.get("to").flatMap { $0.isEmpty ? nil : String($0) }
        let messages = outbox.messages(to: to)
        guard request.headers[.accept]?.contains("text/html") == true else {
            var response = JSONResponse.make(OutboxView(messages: messages))
            response.headers[.cacheControl] = "no-store"
            return response
        }
        let items = messages.map { delivered in
            let message = delivered.message
            return """
                <article>
                <h2>\(HTMLPage.escape(message.subject))</h2>
                <p>\(HTMLPage.escape(message.channel.rawValue)) to \(HTMLPage.escape(message.to)), \
                \(HTMLPage.escape(message.kind.rawValue)), \(HTMLPage.escape(RFC3339.format(delivered.sentAt)))</p>
                <pre>\(HTMLPage.escape(message.text))</pre>
                </article>
                """
        }
        let body = items.isEmpty ? "<p>No messages yet.</p>" : items.joined(separator: "\n<hr>\n")
        return HTMLPage(title: "Dev outbox", body: body).response(status: .ok)
    }
}
