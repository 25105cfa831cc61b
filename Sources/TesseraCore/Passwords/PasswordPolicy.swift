/// What a new password must be: NIST SP 800-63B's rules, no composition rules.
///
/// Lengths count Unicode code points of the NFC form, so "密码" is two characters
/// and an accented letter is one however it was typed. Any character is accepted.
/// ```swift
/// let policy = PasswordPolicy()
/// if let rejection = policy.check(password, identifiers: [username, email].compactMap { $0 }) {
///     throw rejection   // rejection.code, rejection.message
/// }
/// let stored = try hasher.hash(password)
/// ```
public struct PasswordPolicy: Sendable {
    public let minimumLength: Int
    public let maximumLength: Int

    /// When an identifier inside a password leaves fewer than this many other characters,
    /// the password is the identifier with a small change (`alice2024`).
    static let minimumExtraAroundIdentifier = 5

    public init(minimumLength: Int = 8, maximumLength: Int = 128) {
        precondition(0 < minimumLength && minimumLength <= maximumLength, "invalid password length bounds")
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
    }

    /// Nil when `password` is acceptable for an account known by `identifiers` (username,
    /// e-mail address, phone number; empty ones are ignored).
    public func check(_ password: String, identifiers: [String] = []) -> PasswordRejection? {
        let length = password.precomposedStringWithCanonicalMapping.unicodeScalars.count
        if length < minimumLength { return .tooShort(minimum: minimumLength) }
        if length > maximumLength { return .tooLong(maximum: maximumLength) }
        if CommonPasswords.contains(password) { return .common }
        if isMadeOf(password, identifiers: identifiers) { return .containsIdentifier }
        return nil
    }

    /// An e-mail address also counts by its local part: `ada.lovelace@example.com` should
    /// not be able to use `ada.lovelace1` either.
    private func isMadeOf(_ password: String, identifiers: [String]) -> Bool {
        let lowered = password.lowercased()
        let candidates = identifiers.flatMap { identifier -> [String] in
            let lowered = identifier.lowercased()
            guard let at = lowered.lastIndex(of: "@") else { return [lowered] }
            return [lowered, String(lowered[..<at])]
        }
        return candidates.contains { identifier in
            guard identifier.count >= 3, lowered.contains(identifier) else { return false }
            return lowered.count - identifier.count < Self.minimumExtraAroundIdentifier
        }
    }
}
