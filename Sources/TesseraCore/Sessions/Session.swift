import Foundation

/// A live session as the store returns it. `id` is public (shown in device lists); the
/// token is never stored, only the hash that `id` is derived from.
public struct Session: Sendable, Equatable {
    public var id: String
    /// Nil for an anonymous session: a visitor's, created by a data write, carried into a
    /// new session at login.
    public var userID: String?
    public var device: String
    public var deviceName: String?
    public var ip: String?
    public var userAgent: String?
    public var createdAt: Date
    public var lastSeenAt: Date
    /// The absolute limit: the session ends then whatever its activity.
    public var absoluteExpiresAt: Date
    public var idleTimeout: Duration

    public init(
        id: String, userID: String?, device: String, deviceName: String?, ip: String?,
        userAgent: String?, createdAt: Date, lastSeenAt: Date, absoluteExpiresAt: Date,
        idleTimeout: Duration
    ) {
        self.id = id
        self.userID = userID
        self.device = device
        self.deviceName = deviceName
        self.ip = ip
        self.userAgent = userAgent
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.absoluteExpiresAt = absoluteExpiresAt
        self.idleTimeout = idleTimeout
    }

    public var isAnonymous: Bool { userID == nil }

    /// When the session ends if nothing renews it: the earlier of idle and absolute expiry.
    public var expiresAt: Date {
        min(lastSeenAt.addingTimeInterval(idleTimeout.seconds), absoluteExpiresAt)
    }
}

/// What a new session is made of; the store adds the times.
public struct SessionDraft: Sendable, Equatable {
    public var ref: SessionRef
    public var userID: String
    public var device: String
    public var deviceName: String?
    public var ip: String?
    public var userAgent: String?

    public init(ref: SessionRef, userID: String, device: String, deviceName: String?, ip: String?, userAgent: String?) {
        self.ref = ref
        self.userID = userID
        self.device = device
        self.deviceName = deviceName
        self.ip = ip
        self.userAgent = userAgent
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    public var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }

    /// The duration in whole milliseconds.
    public var milliseconds: Int64 {
        let (s, attos) = components
        return s * 1000 + attos / 1_000_000_000_000_000
    }
}
