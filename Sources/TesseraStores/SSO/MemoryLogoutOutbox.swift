import Foundation
import Synchronization
import TesseraSSO

/// Single-logout registrations and deliveries in this process: the embedded default. They
/// do not survive a restart; use Redis (``RedisLogoutOutbox``) where that matters.
///
/// Behaves exactly as ``RedisLogoutOutbox`` (one contract suite runs against both), each
/// operation atomic under one lock.
/// ```swift
/// let outbox = MemoryLogoutOutbox()
/// ```
public final class MemoryLogoutOutbox: LogoutOutbox {
    private struct Registered {
        var userID: String
        /// ticket → (service id, service URL)
        var services: [String: (String, String)]
    }

    private struct Queued {
        var serviceID: String
        var serviceURL: String
        var attempts: Int
        var due: Date
    }

    private struct State {
        var registered: [String: Registered] = [:]
        var queue: [String: Queued] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func register(_ registration: LogoutRegistration, now: Date) async throws {
        state.withLock { state in
            state.registered[registration.sessionID, default: Registered(userID: registration.userID, services: [:])]
                .services[registration.ticket] = (registration.serviceID, registration.serviceURL)
        }
    }

    public func queueLogouts(ofSessions sessionIDs: [String], now: Date) async throws -> Int {
        state.withLock { state in
            var queued = 0
            for sessionID in sessionIDs {
                guard let registered = state.registered.removeValue(forKey: sessionID) else { continue }
                for (ticket, (serviceID, serviceURL)) in registered.services {
                    state.queue[ticket] = Queued(serviceID: serviceID, serviceURL: serviceURL, attempts: 0, due: now)
                    queued += 1
                }
            }
            return queued
        }
    }

    public func registeredSessions() async throws -> [RegisteredSession] {
        state.withLock { state in
            state.registered.map { RegisteredSession(userID: $0.value.userID, sessionID: $0.key) }
        }
    }

    public func claim(now: Date, limit: Int, lease: Duration) async throws -> [LogoutDelivery] {
        state.withLock { state in
            let due = state.queue.filter { $0.value.due <= now }.sorted { $0.value.due < $1.value.due }.prefix(limit)
            return due.map { ticket, queued in
                state.queue[ticket]?.attempts += 1
                state.queue[ticket]?.due = now.addingTimeInterval(lease.seconds)
                return LogoutDelivery(serviceID: queued.serviceID, serviceURL: queued.serviceURL, ticket: ticket, attempts: queued.attempts + 1)
            }
        }
    }

    public func complete(_ id: String) async throws {
        _ = state.withLock { $0.queue.removeValue(forKey: id) }
    }

    public func retry(_ id: String, at: Date) async throws {
        state.withLock { $0.queue[id]?.due = at }
    }
}
