import Testing
import TesseraCore

@Suite struct RateLimitRuleTests {
    @Test func theBurstDefaultsToTheLimit() {
        #expect(RateLimitRule(name: "login.ip", limit: 10, period: .seconds(60)).effectiveBurst == 10)
        #expect(RateLimitRule(name: "login.ip", limit: 10, period: .seconds(60), burst: 2).effectiveBurst == 2)
    }

    @Test func theEmissionIntervalIsThePeriodOverTheLimitRoundedUpToTheMicrosecond() {
        #expect(RateLimitRule(name: "a", limit: 10, period: .seconds(1)).emissionInterval == .milliseconds(100))
        #expect(RateLimitRule(name: "a", limit: 3, period: .seconds(1)).emissionInterval == .microseconds(333_334))
        #expect(RateLimitRule(name: "a", limit: 1, period: .nanoseconds(1)).emissionInterval == .microseconds(1))
        #expect(RateLimitRule(name: "a", limit: 5, period: .seconds(86_400)).emissionInterval == .seconds(17_280))
    }
}
