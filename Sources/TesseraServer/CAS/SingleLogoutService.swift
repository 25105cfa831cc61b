import Logging
import ServiceLifecycle
import TesseraSSO

/// Runs a node's single-logout work for as long as the node runs: the dispatcher, every
/// second, and the expiry sweep, every `cas-slo-sweep-interval`.
struct SingleLogoutService: Service {
    let dispatcher: LogoutDispatcher
    let sweep: LogoutSweep
    let sweepInterval: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await dispatcher.run(every: .seconds(1)) }
                group.addTask { try await sweep.run(every: sweepInterval) }
                try await group.waitForAll()
            }
        }
    }
}
