import Foundation

/// Where a page may send the browser after login: a path on this server only. Anything
/// that a browser could read as another origin — `//host`, `/\host`, a scheme, control
/// characters, or any of these hidden behind rounds of percent-encoding (deeper than three is refused outright) — is
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
        guard let raw, raw.utf8.count <= 1024 else { return nil }
        // However often something along the way decodes it again, it stays local.
        var layer = raw
        for _ in 0..<4 {
            guard Self.isLocal(layer), let decoded = layer.removingPercentEncoding else { return nil }
            if decoded == layer { break }
            layer = decoded
        }
        guard Self.isLocal(layer), !layer.contains("%") else { return nil }
        text = raw
    }

    private static func isLocal(_ path: String) -> Bool {
        let scalars = Array(path.unicodeScalars)
        guard scalars.first == "/" else { return false }
        if scalars.count > 1, scalars[1] == "/" || scalars[1] == "\\" { return false }
        return !scalars.contains { $0 == "\\" || $0.value < 0x21 || $0.value == 0x7F || !$0.isASCII }
    }
}
