import Foundation

/// The blocklist shipped as `common-passwords.txt`: one lower-case password a line,
/// read from the bundle the first time it is needed.
enum CommonPasswords {
    static let all: Set<String> = {
        guard let url = Bundle.module.url(forResource: "common-passwords", withExtension: "txt"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            // Shipping without the list would quietly accept "password123"; a broken build
            // should be loud instead.
            fatalError("common-passwords.txt is missing from the TesseraCore bundle")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        return Set(lines.filter { !$0.isEmpty }.map { $0.lowercased() })
    }()

    static func contains(_ password: String) -> Bool {
        all.contains(password.lowercased())
    }
}
