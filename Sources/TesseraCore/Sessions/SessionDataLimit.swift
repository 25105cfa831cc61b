/// The one of ``SessionDataLimits`` a refused write would have broken, with its value, so
/// the refusal can tell people what fits.
///
/// ```swift
/// catch TesseraError.sessionDataTooLarge(.valueSize(let maximum)) { … }
/// ```
public enum SessionDataLimit: Sendable, Equatable {
    /// One value is larger than this many bytes.
    case valueSize(maximumBytes: Int)
    /// The session would hold more attributes than this.
    case attributeCount(maximum: Int)
    /// The session's keys and values together would exceed this many bytes.
    case totalSize(maximumBytes: Int)

    public var message: String {
        switch self {
        case .valueSize(let maximum): return "A session value may be at most \(maximum) bytes of JSON."
        case .attributeCount(let maximum): return "A session may hold at most \(maximum) attributes. Delete one first."
        case .totalSize(let maximum): return "A session's keys and values may total at most \(maximum) bytes. Delete or shrink some first."
        }
    }
}
