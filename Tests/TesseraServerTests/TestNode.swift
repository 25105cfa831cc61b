import Configuration
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TesseraCore
import TesseraSSO
import TesseraServer
import Testing

/// A Tessera node for in-process tests: SQLite in a temporary folder, sessions in memory
/// (or in the test Redis), cheap password hashing, and a clock the test moves.
struct TestNode {
    /// Starts on a whole second, so waits computed from it come out in whole seconds.
    let clock = ManualWallClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
    let dataDirectory: String
    let settings: [String: ConfigValue]
    /// The CAS services, as the config file's `cas.services` would register them.
    var casServices: [CASService] = []

    init(_ settings: [String: ConfigValue] = [:], redis: Bool = false) throws {
        dataDirectory = NSTemporaryDirectory() + "tessera-test-" + SecureRandom.identifier(length: 12)
        var values: [String: ConfigValue] = [
            "data-dir": .init(.string(dataDirectory), isSecret: false),
            "password-cost": .init(.int(10), isSecret: false),
            "public-url": .init(.string("http://tessera.test"), isSecret: false),
            "redis-namespace": .init(.string("test-\(SecureRandom.identifier(length: 10))"), isSecret: false),
        ]
        if redis { values["redis-url"] = .init(.string(try TestServersEnvironment.requireRedisURL()), isSecret: false) }
        values.merge(settings) { $1 }
        self.settings = values
    }

    func configuration() throws -> TesseraConfiguration {
        let provider = InMemoryProvider(values: Dictionary(uniqueKeysWithValues: settings.map { (AbsoluteConfigKey([$0.key]), $0.value) }))
        var configuration = try TesseraConfiguration(reader: ConfigReader(provider: provider))
        configuration.casServices = casServices
        return configuration
    }

    /// Runs `body` against the app in-process, then closes its stores.
    func test<Value: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "tessera-test")
        logger.logLevel = .warning
        let opened = try await TesseraApp.openServices(configuration: try configuration(), logger: logger, clock: clock)
        let app = Application(router: TesseraApp.makeRouter(services: opened.services), logger: logger)
        let result: Result<Value, any Error>
        do {
            result = .success(try await app.test(.router, body))
        } catch {
            result = .failure(error)
        }
        await opened.close()
        try? FileManager.default.removeItem(atPath: dataDirectory)
        return try result.get()
    }
}

enum TestServersEnvironment {
    static let environment = ProcessInfo.processInfo.environment
    static var required: Bool { environment["TESSERA_REQUIRE_SERVERS"] != nil || environment["CI"] != nil }
    static var redisEnabled: Bool { environment["TESSERA_TEST_REDIS_URL"] != nil || required }

    struct Missing: Error {}

    static func requireRedisURL() throws -> String {
        guard let url = environment["TESSERA_TEST_REDIS_URL"] else { throw Missing() }
        return url
    }
}

/// The session backends the HTTP suites run on.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, redis
    var testDescription: String { rawValue }
    static var available: [Backend] { TestServersEnvironment.redisEnabled ? allCases : [.memory] }

    func node(_ settings: [String: ConfigValue] = [:]) throws -> TestNode {
        try TestNode(settings, redis: self == .redis)
    }
}

extension ConfigValue {
    static func text(_ value: String) -> ConfigValue { .init(.string(value), isSecret: false) }
    static func number(_ value: Int) -> ConfigValue { .init(.int(value), isSecret: false) }
    static func flag(_ value: Bool) -> ConfigValue { .init(.bool(value), isSecret: false) }
}

extension TestNode {
    /// Creates an administrator through the operator path (as `tessera user create --role admin` does).
    func makeAdmin(_ username: String, password: String = "correct horse battery") async throws {
        let opened = try await TesseraApp.openServices(configuration: try configuration())
        _ = try await opened.services.accounts.register(username: username, password: password, email: nil, phone: nil, roles: ["admin"])
        await opened.close()
    }
}
