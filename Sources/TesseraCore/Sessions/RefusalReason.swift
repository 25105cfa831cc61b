/// Why a presented token does not grant a session. Each is a distinct error code of the API,
/// so a client can tell "log in again" from "you were signed out elsewhere".
public enum RefusalReason: String, Sendable, CaseIterable, Codable {
    /// No token was presented.
    case notLoggedIn = "NOT_LOGGED_IN"
    /// Malformed, forged (MAC fails) or never issued.
    case invalidToken = "INVALID_TOKEN"
    /// Idle or absolute timeout passed; also any ended session whose tombstone has lapsed.
    case sessionExpired = "SESSION_EXPIRED"
    case loggedOut = "LOGGED_OUT"
    /// Ended by an administrator, or by the user from another device.
    case kickedOut = "KICKED_OUT"
    /// Pushed out by a newer login under the device policy.
    case replaced = "REPLACED"
    case accountDisabled = "ACCOUNT_DISABLED"

    /// The reasons a session can be ended with; they are kept in its tombstone.
    public var isEnding: Bool {
        switch self {
        case .loggedOut, .kickedOut, .replaced, .accountDisabled: return true
        case .notLoggedIn, .invalidToken, .sessionExpired: return false
        }
    }

    public var message: String {
        switch self {
        case .notLoggedIn: return "You are not logged in."
        case .invalidToken: return "The session token is not valid."
        case .sessionExpired: return "Your session expired, please log in again."
        case .loggedOut: return "This session was logged out."
        case .kickedOut: return "You were signed out from another device or by an administrator."
        case .replaced: return "You signed in on another device, which ended this session."
        case .accountDisabled: return "This account is disabled."
        }
    }
}
