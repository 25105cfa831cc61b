import Foundation
import TesseraCore

/// The data attributes of one Tessera session, as Codable values. Values are stored as JSON
/// texts in the session's own Redis hash, one attribute per key, exactly as Tessera's
/// `/api/session/data` stores them, so the app and Tessera's API see the same data.
///
/// ```swift
/// let data = tessera.data(of: identity)
/// try await data.set("cart", to: Cart(items: ["book"]))
/// let cart = try await data.get("cart", as: Cart.self)   // nil when absent
/// try await data.remove("cart")
/// ```
public struct TesseraSessionData: Sendable {
    let sessions: SessionService
    let ref: SessionRef

    /// The value under `key`, nil when there is none. A value that is not a `T` throws
    /// `DecodingError`.
    public func get<T: Decodable>(_ key: String, as type: T.Type = T.self) async throws -> T? {
        guard let text = try await call({ try await sessions.attribute(key, of: ref) }) else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    /// Writes `value` under `key`. Throws ``TesseraClientError`` `SESSION_DATA_TOO_LARGE`
    /// (413), leaving the session as it was, when it does not fit Tessera's limits.
    public func set<T: Encodable>(_ key: String, to value: T) async throws {
        let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        try await call { try await sessions.setAttribute(key, to: text, of: ref) }
    }

    public func remove(_ key: String) async throws {
        try await call { try await sessions.removeAttribute(key, of: ref) }
    }

    /// Every attribute as its JSON text.
    public func all() async throws -> [String: String] {
        try await call { try await sessions.attributes(of: ref) }
    }

    /// Tessera's refusals as the client's HTTP errors; an ended session refuses with its reason.
    private func call<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as TesseraError {
            throw TesseraClientError(error)
        }
    }
}
