import Foundation

/// Account times are kept to the millisecond: SQLite stores integer milliseconds since
/// 1970 and PostgreSQL microseconds, so every `Date` is rounded here first and both
/// backends hand back exactly the `Date` that was written.
enum Timestamp {
    static func now() -> Date {
        rounded(Date())
    }

    static func rounded(_ date: Date) -> Date {
        self.date(milliseconds: milliseconds(date))
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
