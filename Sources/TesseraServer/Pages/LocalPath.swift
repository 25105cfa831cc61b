import Foundation

/// Where a page may send the browser after login: a path on this server only. Anything
/// that a browser could read as another origin — `//host`, `/\host`, a scheme, control
/// characters, or any of these hidden behind one more round of percent-encoding — is
/// refused, and the default is used instead.
///
/// ```swift
/// let next = LocalPath(request.uri.queryParameters.get("next")) ?? .account
/// ```
struct LocalPath: Sendable, Equatable {
    let text: String

    static let account = LocalPath(checked: "/account")

    private init(checked text: String) { self.text = text }

    init?(_ raw: String?) {
        guard let raw, raw.utf8.count <= 1024, Self.isLocal(raw) else { return nil }
        // A second decoding must not turn it into something else that is not local either.
        guard let decoded = raw.removingPercentEncoding, Self.isLocal(decoded) else { return nil }
        text = raw
    }

    private static func isLocal(_ path: String) -> Bool {
        let scalars = Array(path.unicodeScalars)
        guard scalars.first == "/" else { return false }
        if scalars.count > 1, scalars[1] == "/" || scalars[1] == "\\" { return false }
        return !scalars.contains { $0 == "\\" || $0.value < 0x21 || $0.value == 0x7F || !$0.isASCII }
    }
}
