import Configuration
import Foundation
import SystemPackage
import TesseraSSO

extension TesseraConfiguration {
    /// Reads the configuration from the command line's values, then `TESSERA_*` environment
    /// variables, then the JSON file named by `--config` / `TESSERA_CONFIG`, in that order
    /// of precedence.
    ///
    /// ```swift
    /// let configuration = try await TesseraConfiguration.load(commandLine: ["port": .init(.int(9000), isSecret: false)])
    /// ```
    public static func load(commandLine: [String: ConfigValue], environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> TesseraConfiguration {
        let flags = InMemoryProvider(
            name: "command line",
            values: Dictionary(uniqueKeysWithValues: commandLine.map { (AbsoluteConfigKey([$0.key]), $0.value) }))
        let variables = EnvironmentVariablesProvider(
            environmentVariables: environment, secretsSpecifier: .specific([
                "TESSERA_SERVER_KEY", "TESSERA_REDIS_URL", "TESSERA_DATABASE_URL", "TESSERA_SMTP_URL", "TESSERA_SMS_WEBHOOK_URL",
                "TESSERA_SMS_WEBHOOK_SECRET",
            ])
        ).prefixKeys(with: "tessera")
        var providers: [any ConfigProvider] = [flags, variables]
        let early = ConfigReader(providers: providers)
        var casServices: [CASService] = []
        if let path = early.string(forKey: "config") {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ConfigurationError("cannot read the config file \(path)")
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            do {
                providers.append(try await settingsProvider(path: path, data: data))
            } catch {
                throw ConfigurationError("the config file \(path) is not valid JSON: \(error)")
            }
            casServices = try TesseraConfiguration.casServices(fromConfigFile: data)
        }
        var configuration = try TesseraConfiguration(reader: ConfigReader(providers: providers))
        configuration.casServices = casServices
        return configuration
    }

    /// The flat settings of the config file. The `cas` section is read on its own
    /// (``casServices(fromConfigFile:)``): its list of objects is beyond what the JSON file
    /// provider accepts (arrays of plain values only), so the provider reads a copy without it.
    private static func settingsProvider(path: String, data: Data) async throws -> FileProvider<JSONSnapshot> {
        guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any], object["cas"] != nil else {
            return try await FileProvider<JSONSnapshot>(filePath: FilePath(path))
        }
        object.removeValue(forKey: "cas")
        let copy = NSTemporaryDirectory() + "tessera-config-" + UUID().uuidString + ".json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: copy))
        defer { try? FileManager.default.removeItem(atPath: copy) }
        return try await FileProvider<JSONSnapshot>(filePath: FilePath(copy))
    }
}
