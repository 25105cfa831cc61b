import Synchronization

/// The observers of session endings, added to while the app is assembled and shared by
/// every copy of a ``SessionService``.
public final class SessionEndFanout: Sendable {
    private let observers = Mutex<[any SessionEndObserver]>([])

    public init() {}

    public func add(_ observer: any SessionEndObserver) {
        observers.withLock { $0.append(observer) }
    }

    func notify(_ endings: [SessionEnding]) async {
        guard !endings.isEmpty else { return }
        for observer in observers.withLock({ $0 }) {
            await observer.sessionsEnded(endings)
        }
    }
}
