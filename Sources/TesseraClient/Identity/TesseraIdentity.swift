/// Who is calling, as Tessera knows them: what the client middleware puts into the app's
/// request context once a session is accepted.
///
/// ```swift
/// router.get("/orders") { request, context in
///     guard let identity = context.tesseraIdentity else { throw HTTPError(.unauthorized) }
///     return "orders of \(identity.username ?? identity.userID)"
/// }
/// ```
public struct TesseraIdentity: Sendable, Equatable, Codable {
    public var userID: String
    public var username: String?
    public var roles: [String]
    /// The public id of the Tessera session (never the token).
    public var sessionID: String

    public init(userID: String, username: String?, roles: [String], sessionID: String) {
        self.userID = userID
        self.username = username
        self.roles = roles
        self.sessionID = sessionID
    }

    public func hasRole(_ role: String) -> Bool { roles.contains(role) }
}
