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
    case refused(RefusalReason)
    case forbidden
    case notFound
    /// A store cannot be reached; the request fails closed.
    case storeUnavailable

    public var code: String {
        switch self {
        case .invalidInput: return "INVALID_INPUT"
        case .weakPassword: return "WEAK_PASSWORD"
        case .usernameTaken: return "USERNAME_TAKEN"
        case .badCredentials: return "BAD_CREDENTIALS"
        case .accountDisabled: return "ACCOUNT_DISABLED"
        case .sessionLimit: return "SESSION_LIMIT"
        case .refused(let reason): return reason.rawValue
        case .forbidden: return "FORBIDDEN"
        case .notFound: return "NOT_FOUND"
        case .storeUnavailable: return "STORE_UNAVAILABLE"
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
        case .refused(let reason): return reason.message
        case .forbidden: return "You do not have permission to do this."
        case .notFound: return "Not found."
        case .storeUnavailable: return "The service is temporarily unavailable. Try again shortly."
        }
    }
}
