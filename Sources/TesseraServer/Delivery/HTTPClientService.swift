import AsyncHTTPClient
import ServiceLifecycle

/// Keeps an `HTTPClient` for as long as the app runs and shuts it down with the app, so
/// that its connections and event-loop work end before the process does.
/// ```swift
/// let client = HTTPClient(eventLoopGroupProvider: .singleton)
/// let group = ServiceGroup(services: [app, HTTPClientService(client: client)], logger: logger)
/// ```
public struct HTTPClientService: Service {
    public let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    public func run() async throws {
        // Cancellation and graceful shutdown both end the wait; either way the client goes.
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
