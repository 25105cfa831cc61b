import RESP
import Testing
import TesseraCore
import TesseraStores

/// The event buses under one contract. "Two nodes" are two buses sharing a backend: for
/// memory that is one bus (it is per process), for Redis two clients on one namespace.
enum EventBusBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory

    var testDescription: String { rawValue }

    func makeNodes() throws -> (a: any EventBus, b: any EventBus, close: @Sendable () async -> Void) {
        switch self {
        case .memory:
            let bus = MemoryEventBus()
            return (bus, bus, {})
        }
    }

    static var available: [EventBusBackend] { allCases }
}
