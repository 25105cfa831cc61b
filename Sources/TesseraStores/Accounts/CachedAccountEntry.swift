import Foundation
import TesseraCore

/// How the Redis account cache keeps an account: a hash of short fields, which the session
/// check's script returns as it is (`HGETALL`) and which reads back without a JSON decoder
/// (decoding JSON cost more than the rest of a session check).
///
/// | field | holds |
/// |---|---|
/// | `v` | `1`, the format; an entry in another format is a miss |
/// | `id`, `un`, `em`, `ph` | id, username, e-mail, phone (absent when nil) |
/// | `ev`, `pv` | e-mail and phone verified, `1` or `0` |
/// | `r0`, `r1`, … | the roles, in order |
/// | `st` | `a` (active) or `d` (disabled), with `du` (until) and `dr` (reason) when set |
/// | `c`, `u` | created and updated, seconds since 2001 as Swift prints a `Double` (exact) |
///
/// The password hash is never kept.
/// ```swift
/// let fields = CachedAccountEntry.fields(of: user)        // HSET key fields…
/// let user = CachedAccountEntry.user(from: reply)         // from HGETALL's flat list
/// ```
enum CachedAccountEntry {
    static let version = "1"

    /// Field, value, field, value, … for `HSET`.
    static func fields(of user: User) -> [String] {
        var fields = ["v", version, "id", user.id]
        func add(_ name: String, _ value: String?) {
            if let value { fields += [name, value] }
        }
        add("un", user.username)
        add("em", user.email)
        add("ph", user.phone)
        fields += ["ev", user.emailVerified ? "1" : "0", "pv", user.phoneVerified ? "1" : "0"]
        for (index, role) in user.roles.enumerated() {
            fields += ["r\(index)", role]
        }
        switch user.status {
        case .active:
            fields += ["st", "a"]
        case .disabled(let until, let reason):
            fields += ["st", "d"]
            add("du", until.map(seconds))
            add("dr", reason)
        }
        fields += ["c", seconds(user.createdAt), "u", seconds(user.updatedAt)]
        return fields
    }

    /// The account in `flat` (field, value, … as `HGETALL` answers); nil for an empty list
    /// (not cached) and for anything this version did not write.
    static func user<Values: Collection<String?>>(from flat: Values) -> User? {
        guard flat.count % 2 == 0, flat.count >= 2 else { return nil }
        var values: [Substring: String] = [:]
        var roles: [(Int, String)] = []
        var iterator = flat.makeIterator()
        while let name = iterator.next(), let value = iterator.next() {
            guard let name, let value else { return nil }
            if name.first == "r", let index = Int(name.dropFirst()) {
                roles.append((index, value))
            } else {
                values[Substring(name)] = value
            }
        }
        guard values["v"] == version, let id = values["id"], let created = values["c"].flatMap(date),
              let updated = values["u"].flatMap(date), let emailVerified = values["ev"].flatMap(flag),
              let phoneVerified = values["pv"].flatMap(flag)
        else { return nil }
        let status: AccountStatus
        switch values["st"] {
        case "a": status = .active
        case "d":
            let until = values["du"].map(date)
            if until == .some(nil) { return nil }
            status = .disabled(until: until ?? nil, reason: values["dr"])
        default: return nil
        }
        return User(
            id: id, username: values["un"], email: values["em"], phone: values["ph"], emailVerified: emailVerified,
            phoneVerified: phoneVerified, passwordHash: nil, roles: roles.sorted { $0.0 < $1.0 }.map(\.1), status: status,
            createdAt: created, updatedAt: updated)
    }

    private static func seconds(_ date: Date) -> String {
        String(date.timeIntervalSinceReferenceDate)
    }

    private static func date(_ text: String) -> Date? {
        Double(text).map(Date.init(timeIntervalSinceReferenceDate:))
    }

    private static func flag(_ text: String) -> Bool? {
        switch text {
        case "1": true
        case "0": false
        default: nil
        }
    }
}
