import Crypto
import Foundation

/// One-time codes and verification links: drawn from the CSPRNG, kept only as keyed
/// hashes, bound to purpose and destination, redeemed once.
///
/// Codes are hashed with HMAC-SHA256 under a key derived from the server key, so a dump of
/// the store is no list of codes to try, and nobody without the key can even tell which
/// phone number a slot belongs to. Hashes are compared in constant time (memory) or as
/// keyed hashes no caller can steer (Redis), so the comparison leaks nothing useful.
/// ```swift
/// let codes = CodeService(store: MemoryCodeStore(), serverKey: key)
/// let code = try await codes.issue(.login, to: "ada@example.com")   // send it, never log it
/// let ok = try await codes.redeem(.login, to: "ada@example.com", code: "123456")
/// ```
///
/// A code may be bound to the session that asked for it (DESIGN.md): it is then hashed
/// together with that session's id, and only an answer from the same session matches. A
/// code relayed to someone else — read off a phished screen, say — is useless to them.
public struct CodeService: Sendable {
    public let store: any CodeStore
    public let policy: CodePolicy
    public let clock: any WallClock
    private let key: SymmetricKey

    public init(store: any CodeStore, serverKey: SymmetricKey, policy: CodePolicy = CodePolicy(), clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.policy = policy
        self.clock = clock
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: serverKey, info: Data("tessera one-time codes".utf8), outputByteCount: 32)
    }

    /// Draws a new code for `purpose` and `destination` (normalised by the caller),
    /// replacing any pending one, and returns it for sending. With `session`, the public id
    /// of the session that asked, only an answer from that session will match.
    public func issue(_ purpose: CodePurpose, to destination: String, boundTo session: String? = nil) async throws -> String {
        let code = OneTimeCode.draw(digits: policy.digits)
        let pending = PendingCode(slot: slot(purpose, destination), digest: digest(of: code, purpose, destination, session: session))
        try await storeCall { try await store.issue(pending, policy: policy, now: clock.now()) }
        return code
    }

    /// Tries `code` once, as sent from `session` (the public id of the request's live
    /// session, if any): it matches an unbound code and one bound to that session. Anything
    /// that is not exactly the right digits is a wrong try.
    public func redeem(_ purpose: CodePurpose, to destination: String, code: String, from session: String? = nil) async throws -> Bool {
        let attempt = OneTimeCode.isWellFormed(code, digits: policy.digits) ? code : ""
        let slot = slot(purpose, destination)
        var digests = [digest(of: attempt, purpose, destination, session: nil)]
        if let session { digests.append(digest(of: attempt, purpose, destination, session: session)) }
        return try await storeCall { try await store.redeem(slot: slot, digests: digests, policy: policy, now: clock.now()) } == .accepted
    }

    /// A new single-use link token for verifying `target`'s address; put it in a URL.
    public func issueLink(for target: LinkTarget) async throws -> String {
        let token = Base64URL.encode(SecureRandom.bytes(32))
        let now = clock.now()
        let expiresAt = now.addingTimeInterval(policy.linkLifetime.seconds)
        try await storeCall { try await store.issueLink(digest: linkDigest(token), target: target, expiresAt: expiresAt, now: now) }
        return token
    }

    /// What a link token verifies, the first time it is presented; nil ever after, and for
    /// tokens never issued or expired.
    public func redeemLink(_ token: String) async throws -> LinkTarget? {
        guard (1...128).contains(token.utf8.count) else { return nil }
        return try await storeCall { try await store.redeemLink(digest: linkDigest(token), now: clock.now()) }
    }

    func slot(_ purpose: CodePurpose, _ destination: String) -> String {
        mac(["slot", purpose.rawValue, destination], bytes: 16)
    }

    func digest(of code: String, _ purpose: CodePurpose, _ destination: String, session: String?) -> String {
        mac(["code", purpose.rawValue, destination, code] + (session.map { ["session", $0] } ?? []), bytes: 32)
    }

    func linkDigest(_ token: String) -> String {
        mac(["link", token], bytes: 32)
    }

    /// Parts joined by NUL, which none of them can contain, so no two lists collide.
    private func mac(_ parts: [String], bytes: Int) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(parts.joined(separator: "\u{0}").utf8), using: key).prefix(bytes))
    }

    private func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch CodeStoreError.unavailable {
            throw TesseraError.storeUnavailable
        }
    }
}
