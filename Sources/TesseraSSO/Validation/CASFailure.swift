/// Why a ticket validation failed, with the CAS 3.0 error codes a CAS client switches on.
///
/// ```swift
/// CASFailure.invalidTicket(ticket: "ST-…").code   // "INVALID_TICKET"
/// ```
public enum CASFailure: Error, Sendable, Equatable {
    /// A required parameter (`ticket`, `service`) is missing.
    case invalidRequest
    /// The ticket does not meet the request's rules: `renew=true` and it came from an
    /// existing session; the ticket is spent all the same.
    case invalidTicketSpec
    /// Unknown, already used, expired, or its session has ended.
    case invalidTicket(ticket: String)
    /// The ticket was issued for another service; the ticket is spent.
    case invalidService(ticket: String)
    /// The store could not be reached.
    case internalError

    public var code: String {
        switch self {
        case .invalidRequest: "INVALID_REQUEST"
        case .invalidTicketSpec: "INVALID_TICKET_SPEC"
        case .invalidTicket: "INVALID_TICKET"
        case .invalidService: "INVALID_SERVICE"
        case .internalError: "INTERNAL_ERROR"
        }
    }

    public var description: String {
        switch self {
        case .invalidRequest: "The 'service' and 'ticket' parameters are required."
        case .invalidTicketSpec: "The ticket does not meet the validation's requirements (renew)."
        case .invalidTicket(let ticket): "Ticket '\(ticket)' not recognized."
        case .invalidService(let ticket): "Ticket '\(ticket)' was not issued for this service."
        case .internalError: "The ticket store cannot be reached; try again."
        }
    }
}
