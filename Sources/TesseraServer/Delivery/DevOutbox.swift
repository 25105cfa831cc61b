import Foundation
import Synchronization
import TesseraCore

/// A ``MessageSender`` that keeps messages in memory for a developer to read at
/// `GET /dev/outbox`, instead of sending them. On only with `--dev`.
///
/// It holds the newest `capacity` messages; older ones are dropped, so a node left running
/// in dev mode does not grow without bound.
/// ```swift
/// let outbox = DevOutbox()
/// try await outbox.send(OutgoingMessage(channel: .email, to: "ada@example.com", kind: .loginCode, subject: "Code", text: "123456"))
/// outbox.messages(to: "ada@example.com").first?.message.text   // "123456"
/// ```
public final class DevOutbox: MessageSender {
    public struct Delivered: Sendable, Equatable {
        public var message: OutgoingMessage
        public var sentAt: Date
    }

    public let capacity: Int
    private let clock: any WallClock
    private let delivered = Mutex<[Delivered]>([])

    public init(capacity: Int = 200, clock: any WallClock = SystemWallClock()) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.clock = clock
    }

    public func send(_ message: OutgoingMessage) async throws {
        let entry = Delivered(message: message, sentAt: clock.now())
        delivered.withLock { delivered in
            delivered.append(entry)
            if delivered.count > capacity { delivered.removeFirst(delivered.count - capacity) }
        }
    }

    /// Newest first; only those to `recipient` when given.
    public func messages(to recipient: String? = nil) -> [Delivered] {
        delivered.withLock { delivered in
            delivered.reversed().filter { recipient == nil || $0.message.to == recipient }
        }
    }
}
