import ArgumentParser

/// Measurements the scripts in `bench/` run against the release binary; not shown in
/// `tessera --help`, and documented in `bench/README.md` rather than for operators.
///
/// ```sh
/// tessera bench scrypt --duration 10
/// tessera bench memory-sessions --count 1000000 --users 100000
/// ```
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measurements for the scripts in bench/.",
        shouldDisplay: false,
        subcommands: [BenchScrypt.self, BenchMemorySessions.self])
}
