import Synchronization

/// Observers added while an app is assembled, shared by every copy of the value that
/// holds the list (``SessionService`` is a struct; its observers are not copied).
///
/// ```swift
/// sessions.endings.add(SessionEventRelay(bus: bus, logger: logger))
/// ```
public final class ObserverList<Observer: Sendable>: Sendable {
    private let observers = Mutex<[Observer]>([])

    public init() {}

    public func add(_ observer: Observer) {
        observers.withLock { $0.append(observer) }
    }

    var all: [Observer] { observers.withLock { $0 } }
}
