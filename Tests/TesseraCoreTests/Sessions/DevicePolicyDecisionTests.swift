import Foundation
import Testing
import TesseraCore

@Suite struct DevicePolicyDecisionTests {
    func session(_ id: String, _ device: String, age: TimeInterval) -> Session {
        let created = Date(timeIntervalSince1970: 1_000_000 - age)
        return Session(id: id, userID: "u", device: device, deviceName: nil, ip: nil, userAgent: nil, createdAt: created,
                       lastSeenAt: created, absoluteExpiresAt: created.addingTimeInterval(3600), idleTimeout: .seconds(600))
    }

    @Test func unlimitedDisplacesNothing() {
        let live = [session("a", "web", age: 3), session("b", "web", age: 2)]
        #expect(DevicePolicyDecision.victims(among: live, newDevice: "web", policy: DevicePolicy()).isEmpty)
    }

    @Test func atTheLimitTheOldestGoes() {
        let live = [session("a", "web", age: 3), session("b", "mobile", age: 2), session("c", "web", age: 1)]
        let victims = DevicePolicyDecision.victims(among: live, newDevice: "web", policy: DevicePolicy(maximumSessions: 3))
        #expect(victims.map(\.id) == ["a"])
    }

    @Test func onePerDeviceTypeDisplacesTheSameTypeOnly() {
        let live = [session("a", "web", age: 3), session("b", "mobile", age: 2)]
        let victims = DevicePolicyDecision.victims(among: live, newDevice: "mobile", policy: DevicePolicy(onePerDeviceType: true))
        #expect(victims.map(\.id) == ["b"])
    }

    @Test func bothRulesTogetherNeverDisplaceTwiceTheSameSession() {
        let live = [session("a", "web", age: 3), session("b", "mobile", age: 2)]
        let victims = DevicePolicyDecision.victims(among: live, newDevice: "web", policy: DevicePolicy(maximumSessions: 2, onePerDeviceType: true))
        #expect(victims.map(\.id) == ["a"])
    }
}
