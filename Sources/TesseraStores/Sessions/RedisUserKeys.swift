/// The keys of one user's slot: every key of a user's sessions, and the account cache's copy
/// of the account, carry the user's hash tag `{u:<tag>}`, so one Lua script reaches them all,
/// also on Redis Cluster.
///
/// ```swift
/// let keys = RedisUserKeys(namespace: "tessera")
/// let hash = keys.prefix(ref.tag) + "s:" + ref.id
/// ```
struct RedisUserKeys: Sendable {
    let namespace: String

    /// `<ns>:{u:<tag>}:`
    func prefix(_ tag: String) -> String { "\(namespace):{u:\(tag)}:" }

    /// What follows the prefix in the key of a cached account: `<prefix>a:<user id>`.
    static let accountInfix = "a:"

    /// What follows the prefix in the key of a cached account's write stamp: `<prefix>aw:<user id>`.
    static let accountStampInfix = "aw:"
}
