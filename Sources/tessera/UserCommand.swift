import ArgumentParser
import Foundation
import TesseraCore
import TesseraServer

/// Operator commands on accounts. They open the same stores as `serve` (same --data-dir,
/// --database-url, --redis-url and --config) and work while nodes are running.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create, list, disable and enable accounts; set their roles.",
        subcommands: [Create.self, List.self, Disable.self, Enable.self, SetRoles.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account. Without --password, the password is read from standard input.")
        @OptionGroup var stores: StoreOptions
        @Option var username: String
        @Option var password: String?
        @Option var email: String?
        @Option var phone: String?
        @Option(name: .customLong("role"), help: "A role; repeat for several.") var roles: [String] = []

        func run() async throws {
            let password = try self.password ?? Self.readPassword()
            try await Operator.with(stores) { op in
                let user = try await op.services.accounts.register(username: username, password: password, email: email, phone: phone, roles: roles)
                Operator.print(user)
            }
        }

        static func readPassword() throws -> String {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("give --password or the password on standard input")
            }
            return line
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts, one JSON object a line.")
        @OptionGroup var stores: StoreOptions
        @Option(help: "Only accounts whose username, e-mail or phone contains this.") var query = ""
        @Option var limit = 100

        func run() async throws {
            try await Operator.with(stores) { op in
                for user in try await op.services.accounts.search(query, limit: limit) { Operator.print(user) }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @OptionGroup var stores: StoreOptions
        @Argument(help: "User id or username.") var user: String
        @Option(help: "RFC 3339 time the account is enabled again by itself.") var until: String?
        @Option var reason: String?

        func run() async throws {
            let until = try self.until.map { text in
                guard let date = try? Date(text, strategy: .iso8601) else { throw ValidationError("--until must be an RFC 3339 time") }
                return date
            }
            try await Operator.with(stores) { op in
                let user = try await op.find(user)
                try await op.services.accounts.setStatus(.disabled(until: until, reason: reason), for: user.id)
                let ended = try await op.services.sessions.endAll(of: user.id, reason: .accountDisabled)
                print("disabled \(user.id); \(ended.count) session(s) ended")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @OptionGroup var stores: StoreOptions
        @Argument(help: "User id or username.") var user: String

        func run() async throws {
            try await Operator.with(stores) { op in
                let user = try await op.find(user)
                try await op.services.accounts.setStatus(.active, for: user.id)
                print("enabled \(user.id)")
            }
        }
    }

    struct SetRoles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-roles", abstract: "Replace an account's roles.")
        @OptionGroup var stores: StoreOptions
        @Argument(help: "User id or username.") var user: String
        @Option(name: .customLong("role"), help: "A role; repeat for several; none clears them.") var roles: [String] = []

        func run() async throws {
            try await Operator.with(stores) { op in
                let user = try await op.find(user)
                guard let updated = try await op.services.accounts.setRoles(try AccountInput.roles(roles), for: user.id) else {
                    throw ValidationError("no such user")
                }
                Operator.print(updated)
            }
        }
    }
}

/// Opens the configured stores for one operator command and closes them after.
struct Operator {
    let services: TesseraServices

    static func with(_ options: StoreOptions, _ body: (Operator) async throws -> Void) async throws {
        let configuration: TesseraConfiguration
        do {
            configuration = try await TesseraConfiguration.load(commandLine: options.values)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let opened = try await TesseraApp.openServices(configuration: configuration)
        do {
            try await body(Operator(services: opened.services))
        } catch let error as TesseraError {
            await opened.close()
            throw ValidationError("\(error.code): \(error.message)")
        } catch {
            await opened.close()
            throw error
        }
        await opened.close()
    }

    func find(_ reference: String) async throws -> User {
        if let user = try await services.accounts.find(.id(reference)) { return user }
        if let user = try await services.accounts.find(AccountInput.identifier(forLogin: reference)) { return user }
        throw ValidationError("no user with id or login '\(reference)'")
    }

    static func print(_ user: User) {
        Swift.print(TesseraApp.userJSON(user))
    }
}
