import NIOCore
import Testing

@testable import RESP

@Suite("Reconnect back-off")
struct ReconnectBackoffTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    let refused = RedisClientError.connectionUnavailable("connection refused (127.0.0.1:1)")

    @Test("waits double from the first delay up to the maximum")
    func doubling() {
        let waits = (1...7).map {
            ReconnectBackoff.wait(afterFailures: $0, initial: .milliseconds(25), maximum: .milliseconds(500))
        }
        #expect(waits == [25, 50, 100, 200, 400, 500, 500].map { Duration.milliseconds($0) })
        #expect(ReconnectBackoff.wait(afterFailures: 1_000, initial: .seconds(1), maximum: .seconds(2)) == .seconds(2))
    }

    @Test("after a failure, attempts are refused with its error until the wait is over")
    func refusesDuringTheWait() throws {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        #expect(backoff.refusal(at: self.start) == nil)
        backoff.failed(with: self.refused, at: self.start, share: 1)
        let refusal = try #require(backoff.refusal(at: self.start + .milliseconds(40)) as? RedisClientError)
        #expect(refusal == .connectionUnavailable("connection refused (127.0.0.1:1) (no new attempt for 60 ms)"))
        #expect(backoff.refusal(at: self.start + .milliseconds(100)) == nil)
    }

    @Test("a share of the wait shortens it, never below half")
    func jitter() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        backoff.failed(with: self.refused, at: self.start, share: 0.1)
        #expect(backoff.nextAttempt == self.start + .milliseconds(50))
        backoff.failed(with: self.refused, at: self.start + .milliseconds(50), share: 0.75)
        #expect(backoff.nextAttempt == self.start + .milliseconds(50 + 150))
    }

    @Test("failures of attempts already under way do not lengthen the wait")
    func concurrentFailuresCountOnce() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        for _ in 0..<8 {
            backoff.failed(with: self.refused, at: self.start + .milliseconds(5), share: 1)
        }
        #expect(backoff.failures == 1)
        #expect(backoff.nextAttempt == self.start + .milliseconds(105))
        backoff.failed(with: self.refused, at: self.start + .milliseconds(105), share: 1)
        #expect(backoff.failures == 2)
        #expect(backoff.nextAttempt == self.start + .milliseconds(305))
    }

    @Test("a success ends the back-off; the next failure starts from the first delay again")
    func successResets() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        backoff.failed(with: self.refused, at: self.start, share: 1)
        backoff.failed(with: self.refused, at: self.start + .milliseconds(100), share: 1)
        backoff.succeeded()
        #expect(backoff.refusal(at: self.start + .milliseconds(101)) == nil)
        backoff.failed(with: self.refused, at: self.start + .seconds(5), share: 1)
        #expect(backoff.nextAttempt == self.start + .seconds(5) + .milliseconds(100))
    }

    @Test("other errors are given back as they were; a zero delay never refuses")
    func otherErrorsAndNoDelay() {
        var backoff = ReconnectBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        backoff.failed(with: RedisClientError.server("WRONGPASS invalid username-password pair"), at: self.start, share: 1)
        #expect(backoff.refusal(at: self.start) as? RedisClientError == .server("WRONGPASS invalid username-password pair"))
        var off = ReconnectBackoff(initial: .zero, maximum: .seconds(1))
        off.failed(with: self.refused, at: self.start, share: 1)
        #expect(off.refusal(at: self.start) == nil)
    }
}
