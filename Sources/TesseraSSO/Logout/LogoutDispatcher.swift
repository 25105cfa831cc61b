import Foundation
import Logging
import TesseraCore

/// Sends the queued logout requests: claims what is due, sends each claimed request in
/// parallel under the policy's timeout, and completes or reschedules each by the
/// ``LogoutRetryPolicy``. Every node runs one; the claim's lease keeps two nodes from
/// sending the same request at once.
///
/// ```swift
/// let dispatcher = LogoutDispatcher(outbox: outbox, sender: sender, policy: LogoutRetryPolicy(), clock: clock,
///                                   logger: logger) { serviceID, outcome in metrics.logout(serviceID, outcome) }
/// try await dispatcher.run(every: .seconds(1))
/// ```
public struct LogoutDispatcher: Sendable {
    public enum Outcome: String, Sendable {
        case delivered, retrying = "retry", abandoned
    }

    public let outbox: any LogoutOutbox
    public let sender: any LogoutSender
    public let policy: LogoutRetryPolicy
    public let clock: any WallClock
    public let logger: Logger
    public let report: @Sendable (_ serviceID: String, _ outcome: Outcome) -> Void

    public init(
        outbox: any LogoutOutbox, sender: any LogoutSender, policy: LogoutRetryPolicy, clock: any WallClock, logger: Logger,
        report: @escaping @Sendable (String, Outcome) -> Void = { _, _ in }
    ) {
        self.outbox = outbox
        self.sender = sender
        self.policy = policy
        self.clock = clock
        self.logger = logger
        self.report = report
    }

    /// Dispatches every `interval` until the task is cancelled.
    public func run(every interval: Duration) async throws {
        while !Task.isCancelled {
            do {
                while try await dispatchDue() == Self.batch {}
            } catch {
                logger.warning("logout outbox unavailable", metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: interval)
        }
    }

    static let batch = 32

    /// One round: claims up to a batch of due requests and settles each. Returns how many it claimed.
    @discardableResult
    public func dispatchDue() async throws -> Int {
        // Longer than any one send, so a request is not claimed twice while still in flight.
        let lease = policy.timeout * 2 + .seconds(5)
        let due = try await outbox.claim(now: clock.now(), limit: Self.batch, lease: lease)
        await withTaskGroup(of: Void.self) { group in
            for delivery in due {
                group.addTask { await settle(delivery) }
            }
        }
        return due.count
    }

    private func settle(_ delivery: LogoutDelivery) async {
        let request = LogoutRequest(ticket: delivery.ticket, id: "LR-" + SecureRandom.identifier(length: 24), issuedAt: clock.now())
        let metadata: Logger.Metadata = [
            "service": "\(delivery.serviceID)", "ticket": "\(IdentifierDigest.hex(delivery.ticket).prefix(12))",
            "attempt": "\(delivery.attempts)",
        ]
        do {
            try await withTimeout(policy.timeout) { try await sender.send(request, to: delivery.serviceURL) }
            try await outbox.complete(delivery.id)
            report(delivery.serviceID, .delivered)
            logger.info("logout request delivered", metadata: metadata)
        } catch {
            do {
                if let wait = policy.wait(afterAttempts: delivery.attempts) {
                    try await outbox.retry(delivery.id, at: clock.now().addingTimeInterval(wait.seconds))
                    report(delivery.serviceID, .retrying)
                    logger.info("logout request failed; will retry", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                } else {
                    try await outbox.complete(delivery.id)
                    report(delivery.serviceID, .abandoned)
                    logger.error("logout request given up", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                }
            } catch {
                // The lease runs out and the request is claimed again.
                logger.warning("logout outbox unavailable", metadata: ["error": "\(error)"])
            }
        }
    }

    private func withTimeout(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw LogoutTimeout()
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}

struct LogoutTimeout: Error, CustomStringConvertible {
    var description: String { "timed out" }
}
