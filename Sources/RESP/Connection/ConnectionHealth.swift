import Synchronization

/// Whether a connection may take new commands, readable from any thread.
///
/// The command handler retires its connection the moment it fails (a timeout, a protocol
/// error, the server closing), before the channel has finished closing; the pool reads this
/// to stop handing that connection out, so the next command opens a fresh one instead of
/// failing on the one being closed.
final class ConnectionHealth: Sendable {
    private let retired = Atomic<Bool>(false)

    var isRetired: Bool { retired.load(ordering: .acquiring) }

    func retire() {
        retired.store(true, ordering: .releasing)
    }
}
