/// The outcome of checking a password against a stored hash.
///
/// ```swift
/// switch hasher.verify(password, against: user.passwordHash ?? "") {
/// case .invalid:
///     throw LoginError.wrongCredentials
/// case .valid(let needsRehash):
///     if needsRehash { try await accounts.setPasswordHash(try hasher.hash(password), for: user.id) }
/// }
/// ```
public enum PasswordVerification: Sendable, Equatable {
    /// The password does not match, or the stored hash is malformed or of an unknown kind.
    case invalid
    /// The password matches. `needsRehash` is true when the stored hash uses another
    /// algorithm or weaker parameters than the hasher's current ones: hash the password
    /// again and store the result while it is at hand.
    case valid(needsRehash: Bool)
}
