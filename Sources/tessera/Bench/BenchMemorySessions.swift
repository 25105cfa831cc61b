import ArgumentParser
import Configuration
import Foundation
import TesseraCore
import TesseraServer
import TesseraStores

/// What `--count` sessions cost in the memory session store: the process's resident set
/// before and after creating them, divided by the count. `bench/memory_store.sh` runs it.
///
/// Each session goes through ``SessionService/start(for:device:deviceName:ip:userAgent:takingDataFrom:)``
/// into a ``MemorySessionStore``, as a login does, with the session policy `serve` would use
/// (`--config`, `TESSERA_*`). The sessions are spread evenly over `--users` accounts with
/// 26-character ids, each session has its own device name, address and browser user agent,
/// and every string is a new one, as when a node decodes it from a request or a database row.
/// ```sh
/// tessera bench memory-sessions --count 1000000 --users 100000
/// # 1000000 sessions over 100000 users in 41.24 s (24248 sessions/s)
/// # resident before 44.1 MB, after 275.4 MB; 242 bytes per session
/// ```
struct BenchMemorySessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory-sessions", abstract: "Resident memory per session in the memory session store.")

    @Option(help: "Sessions to create.") var count = 1_000_000
    @Option(help: "Accounts they belong to, evenly.") var users = 100_000
    @Option(name: .customLong("config"), help: "JSON config file, as for serve (its session policy applies).") var config: String?

    func validate() throws {
        guard count >= 1, users >= 1 else { throw ValidationError("--count and --users must be at least 1") }
    }

    func run() async throws {
        var values: [String: ConfigValue] = [:]
        if let config { values["config"] = .init(.string(config), isSecret: false) }
        let policy: SessionPolicy
        do {
            policy = try await TesseraConfiguration.load(commandLine: values).sessionPolicy
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let store = MemorySessionStore()
        let sessions = SessionService(
            tokens: SessionTokens(serverKey: .init(data: SecureRandom.bytes(32))), store: store, policy: policy)
        let userIDs = (0..<users).map { _ in Self.accountID() }

        let before = try ProcessMemory.residentBytes()
        let start = ContinuousClock.now
        for index in 0..<count {
            let profile = Self.profiles[index % Self.profiles.count]
            _ = try await sessions.start(
                for: Self.fresh(userIDs[index % users]), device: profile.device,
                deviceName: Self.fresh(Array("\(profile.deviceName) \(index / users + 1)".utf8)),
                ip: "10.\(index >> 16 & 255).\(index >> 8 & 255).\(index & 255)",
                userAgent: Self.fresh(profile.userAgent))
        }
        let seconds = (ContinuousClock.now - start).seconds
        let after = try ProcessMemory.residentBytes()

        // Every session must still be there: the device policy could have replaced some.
        let first = try await sessions.sessions(of: String(decoding: userIDs[0], as: UTF8.self)).count
        let expected = (count + users - 1) / users
        guard first == expected else {
            throw ValidationError("the first user has \(first) live sessions, not \(expected): the session policy ended some")
        }
        print("\(count) sessions over \(min(users, count)) users in \(String(format: "%.2f", seconds)) s (\(Int(Double(count) / seconds)) sessions/s)")
        print("resident before \(Self.megabytes(before)) MB, after \(Self.megabytes(after)) MB; \((after - before) / count) bytes per session")
        withExtendedLifetime(store) {}
    }

    private struct Profile {
        var device: String
        var deviceName: String
        var userAgent: [UInt8]
    }

    private static let profiles = [
        Profile(
            device: "web", deviceName: "Firefox on Linux",
            userAgent: Array("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0".utf8)),
        Profile(
            device: "web", deviceName: "Chrome on Windows",
            userAgent: Array("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36".utf8)),
        Profile(
            device: "ios", deviceName: "iPhone",
            userAgent: Array("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1".utf8)),
        Profile(
            device: "android", deviceName: "Pixel 8",
            userAgent: Array("Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36".utf8)),
    ]

    /// 26 random lower-case base32 characters, the shape of an account id.
    private static func accountID() -> [UInt8] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
        return SecureRandom.bytes(26).map { alphabet[Int($0 & 31)] }
    }

    /// A string with storage of its own, as one decoded from a request would have.
    private static func fresh(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
}
