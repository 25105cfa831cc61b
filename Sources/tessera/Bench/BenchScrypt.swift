import ArgumentParser
import Configuration
import Dispatch
import Foundation
import Synchronization
import TesseraCore
import TesseraServer

/// How many password checks per second this machine does with the server's own
/// ``PasswordHasher`` and parameters: the baseline of `bench/login.sh`.
///
/// The parameters come from the same configuration keys as `serve` (`password-cost` on the
/// command line, `TESSERA_PASSWORD_COST`, or the `--config` file), and each check is the
/// `verify` a password login runs, on `--concurrency` threads (default: one per core, as
/// many as the server's thread pool has).
/// ```sh
/// tessera bench scrypt --duration 5
/// # scrypt ln=16,r=8,p=2 on 2 threads: 8 checks in 5.10 s, 1.57 hashes/s
/// ```
struct BenchScrypt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrypt", abstract: "Password checks per second with the server's scrypt parameters.")

    @Option(help: "Stop after this many checks.") var count: Int?
    @Option(help: "Stop after this many seconds (default 10 when --count is absent).") var duration: Double?
    @Option(help: "Threads checking at once (default: the number of cores).") var concurrency = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("password-cost"), help: "scrypt log2(N), as for serve (default 16).") var passwordCost: Int?
    @Option(name: .customLong("config"), help: "JSON config file, as for serve.") var config: String?

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be more than 0") }
    }

    func run() async throws {
        var values: [String: ConfigValue] = [:]
        if let passwordCost { values["password-cost"] = .init(.int(passwordCost), isSecret: false) }
        if let config { values["config"] = .init(.string(config), isSecret: false) }
        let parameters: ScryptParameters
        do {
            parameters = try await TesseraConfiguration.load(commandLine: values).passwordParameters
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let hasher = PasswordHasher(parameters: parameters)
        let password = "bench-" + Base64URL.encode(SecureRandom.bytes(12))
        let stored = try hasher.hash(password)

        let limit = count
        let deadline = (duration ?? (count == nil ? 10 : nil)).map { ContinuousClock.now + .milliseconds(Int($0 * 1000)) }
        let tally = Tally()
        let start = ContinuousClock.now
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let group = DispatchGroup()
            for index in 0..<concurrency {
                group.enter()
                let thread = Thread {
                    defer { group.leave() }
                    while true {
                        if let limit, tally.claimed.add(1, ordering: .relaxed).newValue > limit { break }
                        if let deadline, ContinuousClock.now >= deadline { break }
                        if case .valid = hasher.verify(password, against: stored) {
                            tally.checked.add(1, ordering: .relaxed)
                        } else {
                            tally.failed.add(1, ordering: .relaxed)
                        }
                    }
                }
                thread.name = "scrypt-\(index)"
                thread.start()
            }
            group.notify(queue: .global()) { done.resume() }
        }
        let seconds = (ContinuousClock.now - start).seconds
        let checked = tally.checked.load(ordering: .relaxed)
        let failed = tally.failed.load(ordering: .relaxed)
        guard failed == 0 else { throw ValidationError("\(failed) check(s) of the right password failed") }
        let rate = Double(checked) / seconds
        print("scrypt \(parameters) on \(concurrency) threads: \(checked) checks in \(String(format: "%.2f", seconds)) s, \(String(format: "%.2f", rate)) hashes/s")
    }

    private final class Tally: Sendable {
        let claimed = Atomic<Int>(0)
        let checked = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
    }
}
