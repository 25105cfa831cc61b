/// Everything the rules can refuse, each with the API error code a program can switch on.
/// The server maps these to HTTP statuses in one place.
public enum TesseraError: Error, Equatable, Sendable {
    case invalidInput(field: String?, message: String)
    case weakPassword(String)
    case usernameTaken
    /// Unknown account and wrong password alike.
    case badCredentials
    case accountDisabled
    case sessionLimit
    /// A session data write would break one of the session's data limits.
    case sessionDataTooLarge(SessionDataLimit)
    /// Too many failed logins for this identifier; try again after the wait.
    case tooManyAttempts(retryAfter: Duration)
    /// Too many requests from this client under a rate-limit rule.
    case rateLimited(retryAfter: Duration)
    case refused(RefusalReason)
    case forbidden
    case notFound
    /// A store cannot be reached; the request fails closed.
    case storeUnavailable
    /// A one-time code or verification link is wrong, used, expired or burned: one answer.
    case codeInvalid
    /// The policy asks for a verified e-mail address before login.
    case emailNotVerified
    /// The mail or SMS transport did not take the message.
    case deliveryFailed

    public var code: String {
        switch self {
        case .invalidInput: return "INVALID_INPUT"
        case .weakPassword: return "WEAK_PASSWORD"
        case .usernameTaken: return "USERNAME_TAKEN"
        case .badCredentials: return "BAD_CREDENTIALS"
        case .accountDisabled: return "ACCOUNT_DISABLED"
        case .sessionLimit: return "SESSION_LIMIT"
        case .sessionDataTooLarge: return "SESSION_DATA_TOO_LARGE"
        case .tooManyAttempts: return "TOO_MANY_ATTEMPTS"
        case .rateLimited: return "RATE_LIMITED"
        case .refused(let reason): return reason.rawValue
        case .forbidden: return "FORBIDDEN"
        case .notFound: return "NOT_FOUND"
        case .storeUnavailable: return "STORE_UNAVAILABLE"
        case .codeInvalid: return "CODE_INVALID"
        case .emailNotVerified: return "EMAIL_NOT_VERIFIED"
        case .deliveryFailed: return "DELIVERY_FAILED"
        }
    }

    public var message: String {
        switch self {
        case .invalidInput(_, let message): return message
        case .weakPassword(let message): return message
        case .usernameTaken: return "This username is taken."
        case .badCredentials: return "The login or the password is wrong."
        case .accountDisabled: return "This account is disabled."
        case .sessionLimit: return "This account has reached its number of signed-in devices. Sign out on another device first."
        case .sessionDataTooLarge(let limit): return limit.message
        case .tooManyAttempts(let wait): return "Too many failed logins. Try again in \(Self.describe(wait))."
        case .rateLimited(let wait): return "Too many requests. Try again in \(Self.describe(wait))."
        case .refused(let reason): return reason.message
        case .forbidden: return "You do not have permission to do this."
        case .notFound: return "Not found."
        case .storeUnavailable: return "The service is temporarily unavailable. Try again shortly."
        case .codeInvalid: return "The code is wrong or no longer valid. Ask for a new one."
        case .emailNotVerified: return "Verify your e-mail address before you log in."
        case .deliveryFailed: return "The message could not be sent. Try again shortly."
        }
    }

    /// Whole seconds, rounded up: what `Retry-After` carries.
    public static func retryAfterSeconds(_ wait: Duration) -> Int64 {
        let (seconds, attoseconds) = wait.components
        return max(1, seconds + (attoseconds > 0 ? 1 : 0))
    }

    private static func describe(_ wait: Duration) -> String {
        let seconds = retryAfterSeconds(wait)
        return seconds < 120 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
    }
}
