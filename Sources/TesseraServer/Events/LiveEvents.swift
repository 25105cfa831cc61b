import TesseraCore

/// A node's live events: the bus every node shares, this node's sockets, and the push API
/// an app running Tessera in process can call.
///
/// ```swift
/// try await services.events.push("order.created", data: #"{"id":"o-17"}"#, to: seller.id)
/// ```
public struct LiveEvents: Sendable {
    let bus: any EventBus
    let hub: EventHub
    let socket: EventSocket.Settings
    let metrics: TesseraMetrics

    /// The largest `data` a push may carry, in bytes of JSON text.
    public static let maximumPushBytes = 8 * 1024

    /// Sends `event` with `data` (a JSON text) to every live socket of the user, on every
    /// node. Best effort: a user with no socket open gets nothing, and nothing is kept.
    public func push(_ event: String, data: String, to userID: String) async throws {
        guard Self.isEventName(event) else {
            throw TesseraError.invalidInput(field: "event", message: "An event name is 1 to 64 letters, digits, '.', '_', ':' or '-'.")
        }
        guard data.utf8.count <= Self.maximumPushBytes else {
            throw TesseraError.invalidInput(field: "data", message: "The data is larger than \(Self.maximumPushBytes) bytes.")
        }
        guard (try? StrictJSON.validate(Array(data.utf8))) != nil else {
            throw TesseraError.invalidInput(field: "data", message: "The data must be JSON.")
        }
        try await publish(LiveEvent(userID: userID, sessionID: nil, kind: .push(event: event, data: data)))
    }

    private func publish(_ event: LiveEvent) async throws {
        do {
            try await bus.publish(event)
        } catch {
            throw TesseraError.storeUnavailable
        }
        if case .push = event.kind { metrics.published("push") }
    }

    static func isEventName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._:-".contains($0)) }
    }
}
