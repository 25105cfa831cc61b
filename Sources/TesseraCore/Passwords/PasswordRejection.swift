/// Why ``PasswordPolicy`` refuses a password: a code for programs, a message for people.
///
/// ```swift
/// if let rejection = PasswordPolicy().check(password, identifiers: [username, email]) {
///     return .badRequest(code: rejection.code, message: rejection.message)
/// }
/// ```
public enum PasswordRejection: Error, Sendable, Equatable {
    case tooShort(minimum: Int)
    case tooLong(maximum: Int)
    /// On the list of passwords that attackers try first.
    case common
    /// Made of the account's own username, e-mail address or phone number.
    case containsIdentifier

    /// A stable code a client can switch on.
    public var code: String {
        switch self {
        case .tooShort: "PASSWORD_TOO_SHORT"
        case .tooLong: "PASSWORD_TOO_LONG"
        case .common: "PASSWORD_TOO_COMMON"
        case .containsIdentifier: "PASSWORD_CONTAINS_IDENTIFIER"
        }
    }

    /// A sentence the person choosing the password can act on.
    public var message: String {
        switch self {
        case .tooShort(let minimum):
            "Use at least \(minimum) characters. A few unrelated words make a long password that is easy to remember."
        case .tooLong(let maximum):
            "Use at most \(maximum) characters."
        case .common:
            "This password is one of the most common ones and is tried first by attackers. Choose another."
        case .containsIdentifier:
            "The password is too close to your username, e-mail address or phone number. Choose another."
        }
    }
}
