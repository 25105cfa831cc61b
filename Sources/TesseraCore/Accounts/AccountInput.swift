import Foundation

/// Validation and normalisation of account identifiers, the one place that decides what a
/// username, an e-mail address or a phone number may look like.
public enum AccountInput {
    /// 3 to 32 characters: letters, digits, `_`, `.`, `-`, starting with a letter or digit.
    /// Case is kept; uniqueness and lookup are case-insensitive.
    public static func username(_ raw: String) throws -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_.-".unicodeScalars.contains(scalar))
        }
        guard (3...32).contains(value.count), allowed,
              let first = value.unicodeScalars.first, CharacterSet.alphanumerics.contains(first)
        else {
            throw TesseraError.invalidInput(field: "username", message: "A username has 3 to 32 letters, digits, '_', '.' or '-', and starts with a letter or digit.")
        }
        return value
    }

    /// A plausible address (`local@domain.tld`, at most 254 characters), lower-cased.
    public static func email(_ raw: String) throws -> String {
        let value = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !"<>()[]\\,;:\"".unicodeScalars.contains($0) })
        else {
            throw TesseraError.invalidInput(field: "email", message: "This is not a valid e-mail address.")
        }
        return value
    }

    /// E.164: an optional `+` and 6 to 15 digits; spaces and dashes are dropped.
    public static func phone(_ raw: String) throws -> String {
        let compact = raw.filter { $0 != " " && $0 != "-" }
        let digits = compact.hasPrefix("+") ? compact.dropFirst() : Substring(compact)
        guard (6...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw TesseraError.invalidInput(field: "phone", message: "A phone number has 6 to 15 digits, optionally starting with '+'.")
        }
        return compact
    }

    /// Which identifier a login string names: an `@` means e-mail, digits mean phone.
    public static func identifier(forLogin raw: String) -> AccountIdentifier? {
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, value.count <= 254 else { return nil }
        if value.contains("@") { return (try? email(value)).map(AccountIdentifier.email) }
        if let phone = try? phone(value), value.first == "+" || value.allSatisfy(\.isNumber) { return .phone(phone) }
        return (try? username(value)).map(AccountIdentifier.username)
    }

    /// Role names: 1 to 32 lower-case letters, digits, `_` or `-`.
    public static func roles(_ raw: [String]) throws -> [String] {
        guard raw.count <= 32 else {
            throw TesseraError.invalidInput(field: "roles", message: "At most 32 roles.")
        }
        var seen = Set<String>()
        return try raw.compactMap { role in
            guard (1...32).contains(role.count),
                  role.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" })
            else {
                throw TesseraError.invalidInput(field: "roles", message: "A role has 1 to 32 lower-case letters, digits, '_' or '-'.")
            }
            return seen.insert(role).inserted ? role : nil
        }
    }
}
