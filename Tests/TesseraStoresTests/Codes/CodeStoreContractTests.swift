import Crypto
import Foundation
import Testing
import TesseraCore
import TesseraStores

/// One behaviour, written once, run against every code store backend.
@Suite struct CodeStoreContractTests {
    func destination() -> String { "user-\(SecureRandom.identifier(length: 12))@example.com" }

    /// A well-formed code other than `code`.
    func wrong(_ code: String) -> String {
        code == "000000" ? "000001" : "000000"
    }

    @Test(arguments: CodeStoreBackend.available)
    func aRightCodeWorksOnce(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let code = try await h.codes.issue(.login, to: ada)
        #expect(OneTimeCode.isWellFormed(code, digits: 6))
        #expect(try await h.codes.redeem(.login, to: ada, code: code))
        #expect(try await !h.codes.redeem(.login, to: ada, code: code))
    }

    @Test(arguments: CodeStoreBackend.available)
    func aCodeIsBoundToItsPurposeAndDestination(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let code = try await h.codes.issue(.login, to: ada)
        #expect(try await !h.codes.redeem(.reset, to: ada, code: code))
        #expect(try await !h.codes.redeem(.verify, to: ada, code: code))
        #expect(try await !h.codes.redeem(.login, to: destination(), code: code))
        #expect(try await h.codes.redeem(.login, to: ada, code: code))
    }

    @Test(arguments: CodeStoreBackend.available)
    func aCodeBoundToASessionIsRedeemedOnlyFromThatSession(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let code = try await h.codes.issue(.login, to: ada, boundTo: "visitor-session")
        #expect(try await !h.codes.redeem(.login, to: ada, code: code))
        #expect(try await !h.codes.redeem(.login, to: ada, code: code, from: "someone-else"))
        #expect(try await h.codes.redeem(.login, to: ada, code: code, from: "visitor-session"))
        #expect(try await !h.codes.redeem(.login, to: ada, code: code, from: "visitor-session"))
    }

    @Test(arguments: CodeStoreBackend.available)
    func answersFromTheWrongSessionCountAsWrongTries(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let code = try await h.codes.issue(.login, to: ada, boundTo: "visitor-session")
        for _ in 0..<h.codes.policy.maximumFailures {
            #expect(try await !h.codes.redeem(.login, to: ada, code: code, from: "relay-session"))
        }
        #expect(try await !h.codes.redeem(.login, to: ada, code: code, from: "visitor-session"))
    }

    @Test(arguments: CodeStoreBackend.available)
    func anUnboundCodeIsRedeemedFromAnySession(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let code = try await h.codes.issue(.verify, to: ada)
        #expect(try await !h.codes.redeem(.verify, to: ada, code: wrong(code), from: "some-session"))
        #expect(try await h.codes.redeem(.verify, to: ada, code: code, from: "some-session"))
    }

    @Test(arguments: CodeStoreBackend.available)
    func aCodeLivesFiveMinutes(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination(), bob = destination()
        let adaCode = try await h.codes.issue(.verify, to: ada)
        let bobCode = try await h.codes.issue(.verify, to: bob)
        h.clock.advance(by: .milliseconds(299_999))
        #expect(try await h.codes.redeem(.verify, to: ada, code: adaCode))
        h.clock.advance(by: .milliseconds(1))
        #expect(try await !h.codes.redeem(.verify, to: bob, code: bobCode))
    }

    @Test(arguments: CodeStoreBackend.available)
    func fiveWrongTriesBurnTheCode(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination(), bob = destination()
        let adaCode = try await h.codes.issue(.login, to: ada)
        let bobCode = try await h.codes.issue(.login, to: bob)
        for _ in 0..<4 { #expect(try await !h.codes.redeem(.login, to: ada, code: wrong(adaCode))) }
        #expect(try await h.codes.redeem(.login, to: ada, code: adaCode))
        for _ in 0..<5 { #expect(try await !h.codes.redeem(.login, to: bob, code: wrong(bobCode))) }
        #expect(try await !h.codes.redeem(.login, to: bob, code: bobCode))
    }

    @Test(arguments: CodeStoreBackend.available)
    func malformedTriesCountAsWrong(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let code = try await h.codes.issue(.login, to: ada)
        for attempt in ["", "12345", "1234567", "abcdef", " \(code)"] {
            #expect(try await !h.codes.redeem(.login, to: ada, code: attempt))
        }
        #expect(try await !h.codes.redeem(.login, to: ada, code: code))
    }

    @Test(arguments: CodeStoreBackend.available)
    func aResendReplacesTheCodeAndKeepsTheWrongTries(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let first = try await h.codes.issue(.reset, to: ada)
        for _ in 0..<3 { #expect(try await !h.codes.redeem(.reset, to: ada, code: wrong(first))) }
        h.clock.advance(by: .seconds(60))
        var second = try await h.codes.issue(.reset, to: ada)
        while second == first { second = try await h.codes.issue(.reset, to: ada) }
        #expect(try await !h.codes.redeem(.reset, to: ada, code: first))
        #expect(try await !h.codes.redeem(.reset, to: ada, code: wrong(second)))
        // Five wrong tries in all, across two codes: the second is burned too.
        #expect(try await !h.codes.redeem(.reset, to: ada, code: second))
    }

    @Test(arguments: CodeStoreBackend.available)
    func wrongTriesAreForgottenFiveMinutesAfterTheFirst(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let burned = try await h.codes.issue(.login, to: ada)
        for _ in 0..<5 { _ = try await h.codes.redeem(.login, to: ada, code: wrong(burned)) }
        h.clock.advance(by: .milliseconds(299_999))
        let early = try await h.codes.issue(.login, to: ada)
        #expect(try await !h.codes.redeem(.login, to: ada, code: early))
        h.clock.advance(by: .milliseconds(1))
        let later = try await h.codes.issue(.login, to: ada)
        #expect(try await h.codes.redeem(.login, to: ada, code: later))
    }

    @Test(arguments: CodeStoreBackend.available)
    func twentySimultaneousRightAnswersWinOnce(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let code = try await h.codes.issue(.login, to: ada)
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { try await h.codes.redeem(.login, to: ada, code: code) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 1)
    }

    @Test(arguments: CodeStoreBackend.available)
    func fiftySimultaneousWrongAnswersBurnTheCode(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let code = try await h.codes.issue(.login, to: ada)
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 { group.addTask { try await h.codes.redeem(.login, to: ada, code: wrong(code)) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 0)
        #expect(try await !h.codes.redeem(.login, to: ada, code: code))
    }

    @Test(arguments: CodeStoreBackend.available)
    func aLinkWorksOnceWithinItsLifetime(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = LinkTarget(userID: "u1", email: destination())
        let once = try await h.codes.issueLink(for: ada)
        let late = try await h.codes.issueLink(for: ada)
        #expect(once != late)
        h.clock.advance(by: .seconds(86_399))
        #expect(try await h.codes.redeemLink(once) == ada)
        #expect(try await h.codes.redeemLink(once) == nil)
        #expect(try await h.codes.redeemLink("never-issued") == nil)
        #expect(try await h.codes.redeemLink("") == nil)
        h.clock.advance(by: .seconds(1))
        #expect(try await h.codes.redeemLink(late) == nil)
    }

    @Test(arguments: CodeStoreBackend.available)
    func theStoreHoldsNoCodeTokenOrAddress(_ backend: CodeStoreBackend) async throws {
        let h = try backend.harness()
        defer { Task { await h.close() } }
        let ada = destination()
        let code = try await h.codes.issue(.login, to: ada)
        let token = try await h.codes.issueLink(for: LinkTarget(userID: "u1", email: ada))
        let keys = try await h.keys()
        if backend == .redis { #expect(keys.count == 2) }
        for key in keys {
            #expect(!key.contains(ada) && !key.contains(code) && !key.contains(token))
        }
    }
}
