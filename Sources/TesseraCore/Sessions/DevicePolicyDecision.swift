/// Which live sessions a new login displaces under a ``DevicePolicy``.
///
/// The in-memory store calls this; the Redis store's login script implements the same rule
/// in Lua (`create_session.lua`), and the shared contract suite holds them together.
public enum DevicePolicyDecision {
    /// - Parameter live: the user's live sessions, oldest first.
    /// - Returns: the sessions to end (oldest first); empty when the login fits.
    public static func victims(among live: [Session], newDevice: String, policy: DevicePolicy) -> [Session] {
        var victims: [Session] = []
        if policy.onePerDeviceType {
            victims = live.filter { $0.device == newDevice }
        }
        if let maximum = policy.maximumSessions {
            var remaining = live.filter { session in !victims.contains { $0.id == session.id } }
            while remaining.count >= maximum, !remaining.isEmpty {
                victims.append(remaining.removeFirst())
            }
        }
        return victims
    }
}
