/// A service URL taken apart by a strict parser, so that a redirect goes only where a
/// registered service lives.
///
/// Browsers, proxies and servers disagree about odd URLs (`https://shop.example\@evil/`,
/// `/app/..;/admin`, `%2f`, upper-case schemes), and each disagreement is an open redirect
/// waiting to happen. So rather than normalising them, the parser refuses them: userinfo,
/// backslashes, encoded slashes, backslashes or dots, `.` and `..` segments, `;` path
/// parameters, fragments, spaces, control and non-ASCII characters, and a scheme that is not
/// literally `http` or `https`.
/// ```swift
/// let url = try #require(ServiceURL("https://shop.example/app/cart?x=1"))
/// url.origin   // "https://shop.example:443"
/// url.path     // "/app/cart"
/// ```
public struct ServiceURL: Sendable, Equatable {
    /// The text as given; what a redirect goes to and what a ticket is bound to.
    public let text: String
    public let scheme: String
    /// Lower-cased.
    public let host: String
    /// The explicit port, or the scheme's default.
    public let port: Int
    /// Starts with `/`; `/` when the URL has no path.
    public let path: String

    /// `scheme://host:port`, with the port always written.
    public var origin: String { "\(scheme)://\(host):\(port)" }

    public init?(_ text: String) {
        guard text.utf8.count <= 2048, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
              !text.contains("\\"), !text.contains("#")
        else { return nil }
        let scheme: String
        if text.hasPrefix("https://") {
            scheme = "https"
        } else if text.hasPrefix("http://") {
            scheme = "http"
        } else {
            return nil
        }
        let rest = text.dropFirst(scheme.count + 3)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let afterAuthority = rest[authorityEnd...]
        let pathEnd = afterAuthority.firstIndex(of: "?") ?? afterAuthority.endIndex
        let path = afterAuthority[..<pathEnd]
        guard let (host, port) = Self.hostAndPort(authority, scheme: scheme), Self.isSafePath(path) else { return nil }
        self.text = text
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path.isEmpty ? "/" : String(path)
    }

    /// Whether this URL lies under `base`: the same origin, and `base`'s path as a prefix
    /// that ends on a segment boundary (`/app` covers `/app`, `/app/` and `/app/x`, not `/apple`).
    public func isUnder(_ base: ServiceURL) -> Bool {
        guard origin == base.origin else { return false }
        if path == base.path || base.path == "/" { return true }
        let prefix = base.path.hasSuffix("/") ? base.path : base.path + "/"
        return path.hasPrefix(prefix)
    }

    private static func hostAndPort(_ authority: Substring, scheme: String) -> (String, Int)? {
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host = authority
        var port = scheme == "https" ? 443 : 80
        if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            let digits = authority[authority.index(after: colon)...]
            guard (1...5).contains(digits.count), digits.allSatisfy(\.isASCII), let number = Int(digits), (1...65535).contains(number) else {
                return nil
            }
            port = number
        }
        let allowed = host.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" }
        guard (1...253).contains(host.count), allowed, !host.hasPrefix("."), !host.hasPrefix("-"), !host.hasSuffix(".") else { return nil }
        return (host.lowercased(), port)
    }

    private static func isSafePath(_ path: Substring) -> Bool {
        if path.isEmpty { return true }
        guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains(";") else { return false }
        let lowered = path.lowercased()
        for encoded in ["%2f", "%5c", "%2e", "%00", "%25"] where lowered.contains(encoded) { return false }
        return !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == "." || $0 == ".." }
    }
}
