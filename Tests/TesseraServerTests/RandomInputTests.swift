import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import TesseraCore

/// Random bytes where tokens, cookies, headers and bodies go: every answer is a 4xx (or the
/// success a well-formed request earns) with the JSON error shape, never a 5xx. The
/// generator is seeded, so a failure names the seed and the input that caused it.
@Suite struct RandomInputTests {
    /// SplitMix64: small, fast, and the same sequence for the same seed on every machine.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seed: UInt64 = 0x7E55_E7A0

    static func bytes(_ count: Int, using random: inout Seeded) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// Visible ASCII and spaces: what an HTTP header value can carry.
    static func headerText(_ count: Int, using random: inout Seeded) -> String {
        String(decoding: (0..<count).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }, as: UTF8.self)
    }

    /// A valid token with one character changed, dropped or added somewhere.
    static func mutated(_ token: String, using random: inout Seeded) -> String {
        var characters = Array(token)
        let index = Int.random(in: 0..<characters.count, using: &random)
        let replacement = Character(Unicode.Scalar(UInt8.random(in: 0x21...0x7E, using: &random)))
        switch Int.random(in: 0..<3, using: &random) {
        case 0: characters[index] = replacement
        case 1: characters.remove(at: index)
        default: characters.insert(replacement, at: index)
        }
        return String(characters)
    }

    @Test func onlyTheExactTokenParsesAmongThousandsOfNearMisses() {
        var random = Seeded(state: Self.seed)
        let tokens = SessionTokens(serverKey: .init(size: .bits256))
        let issued = tokens.issue(forUserID: "u-1")
        #expect(tokens.parse(issued.token) == issued.ref)
        for round in 0..<5000 {
            let candidate = round.isMultiple(of: 2)
                ? Self.mutated(issued.token, using: &random)
                : String(decoding: Self.bytes(Int.random(in: 0...120, using: &random), using: &random), as: UTF8.self)
            if candidate != issued.token {
                #expect(tokens.parse(candidate) == nil, "seed \(Self.seed) round \(round): \(candidate.debugDescription)")
            }
        }
    }

    @Test func randomTokensCookiesAndBodiesGetA4xxWithTheErrorShape() async throws {
        let node = try TestNode()
        try await node.test { client in
            var random = Seeded(state: Self.seed)
            let valid = try await client.signedIn("rand")
            let routes: [(HTTPRequest.Method, String)] = [
                (.get, "/api/session"), (.get, "/api/sessions"), (.post, "/api/logout"), (.delete, "/api/sessions"),
                (.put, "/api/session/data/k"), (.post, "/api/login"), (.post, "/api/accounts"), (.get, "/auth/verify"),
                (.post, "/api/password"), (.get, "/api/admin/users"), (.post, "/api/admin/push"),
            ]
            for round in 0..<600 {
                let (method, path) = routes[round % routes.count]
                var headers: HTTPFields = [.contentType: "application/json"]
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    var nearMiss = Self.mutated(valid, using: &random)
                    // A replacement may draw the very character it replaces.
                    while nearMiss == valid { nearMiss = Self.mutated(valid, using: &random) }
                    headers[.authorization] = "Bearer " + nearMiss
                case 1: headers[.authorization] = Self.headerText(Int.random(in: 0...200, using: &random), using: &random)
                case 2: headers[.cookie] = "tessera_session=" + Self.headerText(Int.random(in: 0...200, using: &random), using: &random)
                default: headers[.cookie] = Self.headerText(Int.random(in: 0...300, using: &random), using: &random)
                }
                let body = ByteBuffer(bytes: Self.bytes(Int.random(in: 0...400, using: &random), using: &random))
                let reply = try await client.call(method, path, headers: headers, rawBody: body)
                let context = "seed \(Self.seed) round \(round): \(method) \(path) \(headers)"
                #expect((400..<500).contains(reply.status.code), "\(reply.status) \(context)")
                #expect(reply.errorCode != nil, "no JSON error: \(context)")
                #expect(reply.headers[.contentType] == "application/json; charset=utf-8", "\(context)")
            }
            // The session that was never presented intact is still live.
            #expect(try await client.call(.get, "/api/session", token: valid).status == .ok)
        }
    }
}
