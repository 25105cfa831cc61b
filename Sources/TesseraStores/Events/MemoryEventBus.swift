import Synchronization
import TesseraCore

/// The in-process ``EventBus`` of the embedded default: every listener of this process
/// hears every event. Listeners that fall behind lose the oldest events beyond `buffer`.
///
/// ```swift
/// let bus = MemoryEventBus()
/// let events = try await bus.listen()
/// try await bus.publish(event)   // `events` yields it
/// ```
public final class MemoryEventBus: EventBus {
    private let listeners = Mutex<[Int: AsyncStream<LiveEvent>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)
    private let buffer: Int

    public init(buffer: Int = 4096) {
        self.buffer = buffer
    }

    public func publish(_ event: LiveEvent) async throws {
        for listener in listeners.withLock({ Array($0.values) }) {
            listener.yield(event)
        }
    }

    public func listen() async throws -> AsyncStream<LiveEvent> {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream.makeStream(of: LiveEvent.self, bufferingPolicy: .bufferingNewest(buffer))
        continuation.onTermination = { [weak self] _ in
            _ = self?.listeners.withLock { $0.removeValue(forKey: id) }
        }
        listeners.withLock { $0[id] = continuation }
        return stream
    }
}
