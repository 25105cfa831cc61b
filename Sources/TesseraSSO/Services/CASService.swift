/// A service that may ask Tessera for tickets: an application registered in the
/// configuration by the exact origin and path prefix of its URL.
///
/// ```swift
/// let shop = try CASService(id: "shop", serviceURL: "https://shop.example/app", singleLogout: true)
/// ```
public struct CASService: Sendable, Equatable {
    /// A short name for logs and metrics.
    public let id: String
    /// The origin and path prefix service URLs must lie under.
    public let base: ServiceURL
    /// Whether this service is sent a `logoutRequest` when a session it validated ends.
    public let singleLogout: Bool

    public init(id: String, serviceURL: String, singleLogout: Bool) throws {
        guard (1...64).contains(id.count),
              id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) })
        else { throw CASServiceError("a CAS service id has 1 to 64 letters, digits, '-', '_' or '.', got '\(id)'") }
        guard let base = ServiceURL(serviceURL), !serviceURL.contains("?") else {
            throw CASServiceError("the serviceUrl of CAS service '\(id)' must be a plain http(s) URL without query, got '\(serviceURL)'")
        }
        self.id = id
        self.base = base
        self.singleLogout = singleLogout
    }
}

/// A service registration that cannot be used; the message says which and why.
public struct CASServiceError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
