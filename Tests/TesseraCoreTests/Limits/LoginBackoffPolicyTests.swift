import Testing
import TesseraCore

@Suite struct LoginBackoffPolicyTests {
    @Test func theDefaultsAreKeycloaks() {
        let policy = LoginBackoffPolicy()
        #expect(policy.failuresBeforeWait == 30)
        #expect(policy.minimumWait == .seconds(60))
        #expect(policy.maximumWait == .seconds(15 * 60))
        #expect(policy.resetAfter == .seconds(12 * 3600))
    }

    @Test func theWaitDoublesFromTheThresholdUpToTheCap() {
        let policy = LoginBackoffPolicy()
        #expect(policy.wait(afterFailures: 0) == nil)
        #expect(policy.wait(afterFailures: 29) == nil)
        #expect((30...35).map(policy.wait(afterFailures:)) == [60, 120, 240, 480, 900, 900].map { .seconds($0) })
    }

    @Test func anEnormousCountStaysAtTheCap() {
        #expect(LoginBackoffPolicy().wait(afterFailures: .max) == .seconds(15 * 60))
    }

    @Test func aThresholdOfOneWaitsFromTheFirstFailure() {
        let policy = LoginBackoffPolicy(failuresBeforeWait: 1, minimumWait: .seconds(1), maximumWait: .seconds(5))
        #expect((1...5).map(policy.wait(afterFailures:)) == [1, 2, 4, 5, 5].map { .seconds($0) })
    }
}
