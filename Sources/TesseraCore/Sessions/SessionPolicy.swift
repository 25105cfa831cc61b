/// The rules every session store enforces, identical on every backend.
///
/// ```swift
/// var policy = SessionPolicy()
/// policy.idleTimeout = .seconds(15 * 60)
/// policy.devices = DevicePolicy(maximumSessions: 3, onePerDeviceType: true, overflow: .replace)
/// policy.anonymousIdleTimeout = .seconds(10 * 60)
/// policy.data.maximumAttributes = 64
/// ```
public struct SessionPolicy: Sendable, Equatable {
    /// Sliding timeout: a session unused this long ends.
    public var idleTimeout: Duration
    /// Hard limit from login, whatever the activity.
    public var absoluteTimeout: Duration
    /// A session is renewed (last-seen and TTL written) at most this often, so a client
    /// polling every second does not cost a write every second.
    public var renewalInterval: Duration
    public var devices: DevicePolicy
    /// Sliding timeout of sessions without a user. Shorter than a user's by default: most
    /// are abandoned visits, and their memory comes back sooner.
    public var anonymousIdleTimeout: Duration
    /// How much data a session may hold.
    public var data: SessionDataLimits

    public init(
        idleTimeout: Duration = .seconds(30 * 60),
        absoluteTimeout: Duration = .seconds(12 * 3600),
        renewalInterval: Duration? = nil,
        devices: DevicePolicy = DevicePolicy(),
        anonymousIdleTimeout: Duration = .seconds(20 * 60),
        data: SessionDataLimits = SessionDataLimits()
    ) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.renewalInterval = renewalInterval ?? SessionPolicy.defaultRenewalInterval(idle: idleTimeout)
        self.devices = devices
        self.anonymousIdleTimeout = anonymousIdleTimeout
        self.data = data
    }

    /// A tenth of the idle timeout: the idle clock is then at most 10% generous.
    public static func defaultRenewalInterval(idle: Duration) -> Duration {
        idle / 10
    }

    /// How long the reason of an ended session is kept. No token outlives the absolute
    /// timeout, so after that "expired" is the true answer anyway.
    public var tombstoneLifetime: Duration { absoluteTimeout }

    /// The lifetime a new session gets at login.
    public var initialLifetime: Duration { min(idleTimeout, absoluteTimeout) }

    /// Renewal of a session without a user: the same throttle, but never more than a tenth
    /// of its own (shorter) idle timeout, so its idle clock is no more generous than a user's.
    public var anonymousRenewalInterval: Duration {
        min(renewalInterval, SessionPolicy.defaultRenewalInterval(idle: anonymousIdleTimeout))
    }
}

/// How many sessions one user may hold, and what a login beyond that does.
public struct DevicePolicy: Sendable, Equatable {
    public enum Overflow: String, Sendable, Equatable, CaseIterable {
        /// End the oldest session (it then reads `REPLACED`).
        case replace
        /// Refuse the new login with `SESSION_LIMIT`.
        case reject
    }

    /// nil means unlimited.
    public var maximumSessions: Int?
    /// At most one session per device type (`web`, `mobile`, …).
    public var onePerDeviceType: Bool
    public var overflow: Overflow

    public init(maximumSessions: Int? = nil, onePerDeviceType: Bool = false, overflow: Overflow = .replace) {
        self.maximumSessions = maximumSessions
        self.onePerDeviceType = onePerDeviceType
        self.overflow = overflow
    }
}
