import Configuration
import Foundation
import SystemPackage

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
        if let path = early.string(forKey: "config") {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ConfigurationError("cannot read the config file \(path)")
            }
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(path)))
            } catch {
                throw ConfigurationError("the config file \(path) is not valid JSON: \(error)")
            }
        }
        return try TesseraConfiguration(reader: ConfigReader(providers: providers))
    }
}
