/// Carries ``LiveEvent``s to every node: in process for the embedded default, over Redis
/// pub/sub for a cluster. Each node listens once and hands events to its own sockets.
///
/// ```swift
/// let events = try await bus.listen()
/// Task { for await event in events { hub.deliver(event) } }
/// try await bus.publish(LiveEvent(userID: id, sessionID: nil, kind: .push(event: "hello", data: "{}")))
/// ```
public protocol EventBus: Sendable {
    /// Sends the event to every listener on every node, this one included.
    func publish(_ event: LiveEvent) async throws
    /// Every event published from now on, until the sequence is dropped or the bus closes.
    func listen() async throws -> AsyncStream<LiveEvent>
}
