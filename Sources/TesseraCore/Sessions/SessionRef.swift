/// Where a session lives: the shard tag shared by all of its user's keys, and the session id
/// (a hash of the token). Derived from a token whose MAC checked out, never stored with it.
public struct SessionRef: Sendable, Hashable {
    /// The user's shard tag; every key of one user carries it (`{u:<tag>}` in Redis).
    public var tag: String
    /// The public session id: the first 128 bits of SHA-256 of the token, in hex.
    public var id: String

    public init(tag: String, id: String) {
        self.tag = tag
        self.id = id
    }
}

/// A user as the session store addresses them.
public struct SessionOwner: Sendable, Hashable {
    public var userID: String
    public var tag: String

    public init(userID: String, tag: String) {
        self.userID = userID
        self.tag = tag
    }
}
