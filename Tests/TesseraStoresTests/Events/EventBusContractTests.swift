import Testing
import TesseraCore
import TesseraStores

/// One behaviour, written once, run against every event bus.
@Suite struct EventBusContractTests {
    static let samples = [
        LiveEvent(userID: "u-1", sessionID: "s-1", kind: .sessionEnded(.kickedOut)),
        LiveEvent(userID: "u-1", sessionID: "s-2", kind: .sessionCreated(device: "mobile", deviceName: "Ada's phone", ip: "203.0.113.9")),
        LiveEvent(userID: "u-2", sessionID: nil, kind: .push(event: "order.created", data: #"{"id":"o-17","总额":3}"#)),
    ]

    /// The next `count` events of `stream`, or fewer when none comes for 5 s.
    func next(_ count: Int, of stream: AsyncStream<LiveEvent>) async -> [LiveEvent] {
        await withTaskGroup(of: [LiveEvent].self) { group in
            group.addTask {
                var heard: [LiveEvent] = []
                for await event in stream {
                    heard.append(event)
                    if heard.count == count { break }
                }
                return heard
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(5))
                return []
            }
            let first = await group.next() ?? []
            group.cancelAll()
            return first
        }
    }

    @Test(arguments: EventBusBackend.available)
    func everyListenerOnEveryNodeHearsEveryEventIntactAndInOrder(_ backend: EventBusBackend) async throws {
        let nodes = try backend.makeNodes()
        defer { Task { await nodes.close() } }
        let onA = try await nodes.a.listen()
        let onB = try await nodes.b.listen()
        for event in Self.samples { try await nodes.a.publish(event) }
        #expect(await next(Self.samples.count, of: onA) == Self.samples)
        #expect(await next(Self.samples.count, of: onB) == Self.samples)
    }

    @Test(arguments: EventBusBackend.available)
    func aListenerThatLeftDoesNotStopTheOthers(_ backend: EventBusBackend) async throws {
        let nodes = try backend.makeNodes()
        defer { Task { await nodes.close() } }
        var leaving: AsyncStream<LiveEvent>? = try await nodes.a.listen()
        let staying = try await nodes.b.listen()
        try await nodes.b.publish(Self.samples[0])
        #expect(await next(1, of: leaving!) == [Self.samples[0]])
        leaving = nil
        try await nodes.b.publish(Self.samples[2])
        #expect(await next(2, of: staying) == [Self.samples[0], Self.samples[2]])
    }
}
