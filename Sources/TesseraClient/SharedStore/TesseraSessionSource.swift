import TesseraCore

/// Where the client middleware learns who a token belongs to. ``TesseraSharedStore`` reads
/// Tessera's Redis directly; a unit test can answer from memory.
///
/// ```swift
/// switch try await source.identify(token: token) {
/// case .accepted(let identity): …
/// case .refused(let reason): …   // LOGGED_OUT, KICKED_OUT, …
/// }
/// ```
public protocol TesseraSessionSource: Sendable {
    /// The identity a token grants, or why it grants none. Throws
    /// ``TesseraClientError`` `STORE_UNAVAILABLE` when the store cannot answer: the caller
    /// fails closed, it never treats an unreachable store as "logged out".
    func identify(token: String) async throws -> TesseraSessionCheck
}

public enum TesseraSessionCheck: Sendable, Equatable {
    case accepted(TesseraIdentity)
    case refused(RefusalReason)
}
