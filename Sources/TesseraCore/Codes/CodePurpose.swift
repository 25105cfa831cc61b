/// What a one-time code is for. A code is bound to its purpose and destination: a login
/// code cannot reset a password, and a code sent to one address is worthless for another.
public enum CodePurpose: String, Sendable, Equatable, CaseIterable {
    case login
    /// Proves an e-mail address belongs to the account that gave it.
    case verify
    case reset
}
