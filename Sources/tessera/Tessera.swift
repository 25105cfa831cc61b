import ArgumentParser

@main
struct Tessera: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tessera",
        abstract: "Login and distributed sessions for web apps that run on many servers.",
        subcommands: [Serve.self, UserCommand.self, BenchCommand.self])
}
