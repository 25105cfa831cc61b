import Foundation

/// Where pending one-time codes and verification links wait: in memory for one node, in
/// Redis for many.
///
/// A store holds only keyed hashes of codes and SHA-256 digests of link tokens, never the
/// secrets themselves. Redeeming is one atomic step (a Lua script in Redis, a lock in
/// memory): of 20 simultaneous right answers exactly one is accepted, and 50 simultaneous
/// wrong ones count 50. Both backends pass one contract suite (`CodeStoreContractTests`).
/// Stores throw ``CodeStoreError/unavailable(_:)`` when they cannot answer. ``CodeService``
/// is the rule built on this; call a store directly only to test it.
/// ```swift
/// try await store.issue(PendingCode(slot: slot, digest: digest), policy: CodePolicy(), now: clock.now())
/// if try await store.redeem(slot: slot, digests: [attempt], policy: CodePolicy(), now: clock.now()) == .accepted { … }
/// ```
public protocol CodeStore: Sendable {
    /// Puts `code` in its slot, replacing any code there. The wrong tries counted against
    /// the slot are kept: a resend does not buy an attacker five more guesses.
    func issue(_ code: PendingCode, policy: CodePolicy, now: Date) async throws
    /// Checks the slot's code against `digests` — the keyed hashes one answer may have (an
    /// answer from a session counts for a code bound to that session and for an unbound
    /// one). A match uses the code up; a miss counts one wrong try, and the try that reaches
    /// `policy.maximumFailures` burns the code.
    func redeem(slot: String, digests: [String], policy: CodePolicy, now: Date) async throws -> CodeRedemption
    /// Keeps a verification link's target under the digest of its token until `expiresAt`.
    func issueLink(digest: String, target: LinkTarget, expiresAt: Date, now: Date) async throws
    /// Takes a link's target out of the store: the first caller gets it, every later one nil.
    func redeemLink(digest: String, now: Date) async throws -> LinkTarget?
}

/// A code as a store keeps it: its slot (purpose and destination, hashed) and its keyed hash.
public struct PendingCode: Sendable, Equatable {
    /// Names the purpose and destination; a digest, so a dump shows no address.
    public var slot: String
    /// The keyed hash of the code.
    public var digest: String

    public init(slot: String, digest: String) {
        self.slot = slot
        self.digest = digest
    }
}

/// The outcome of one try of a code.
public enum CodeRedemption: Sendable, Equatable {
    /// The code was right and is now used up.
    case accepted
    /// Wrong, expired, used, burned or never sent: one answer, as the API gives one answer.
    case rejected
}

/// What a verification link verifies: an account's e-mail address as it was when the
/// link was sent. A link for an address the account no longer has verifies nothing.
public struct LinkTarget: Sendable, Equatable {
    public var userID: String
    public var email: String

    public init(userID: String, email: String) {
        self.userID = userID
        self.email = email
    }
}

public enum CodeStoreError: Error, Equatable {
    /// The store cannot be reached or answered nonsense; the message is for logs.
    case unavailable(String)
}
