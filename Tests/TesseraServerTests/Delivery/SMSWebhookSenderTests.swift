import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOPosix
import TesseraCore
import TesseraServer
import Testing

/// SMSWebhookSender against a real HTTP receiver: a Hummingbird server on a 127.0.0.1
/// socket in this process, answering as each test tells it to.
@Suite struct SMSWebhookSenderTests {
    static let secret = Array("0123456789abcdef-webhook".utf8)

    /// What the receiver saw, and what it answers to the request with this number (from 1).
    actor Receiver {
        struct Request: Sendable {
            var body: [UInt8]
            var contentType: String?
            var timestamp: String?
            var signature: String?
        }

        let answer: @Sendable (Int) async -> HTTPResponse.Status
        var requests: [Request] = []

        init(answer: @escaping @Sendable (Int) async -> HTTPResponse.Status) {
            self.answer = answer
        }

        func take(_ request: Request) -> Int {
            requests.append(request)
            return requests.count
        }
    }

    private let message = OutgoingMessage(channel: .sms, to: "+4915112345678", kind: .loginCode, subject: "", text: "Your code is 123456")

    /// Starts the receiver, runs `body` with a sender pointed at it, and returns what the
    /// receiver saw.
    private func withReceiver(
        secret: [UInt8]? = SMSWebhookSenderTests.secret, timeout: Duration = .seconds(10),
        answer: @escaping @Sendable (Int) async -> HTTPResponse.Status,
        _ body: @escaping @Sendable (SMSWebhookSender) async throws -> Void
    ) async throws -> [Receiver.Request] {
        let receiver = Receiver(answer: answer)
        let router = Router()
        router.post("/sms") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 64 * 1024)
            let number = await receiver.take(.init(
                body: Array(buffer: bytes), contentType: request.headers[.contentType],
                timestamp: request.headers[HTTPField.Name("X-Tessera-Timestamp")!],
                signature: request.headers[HTTPField.Name("X-Tessera-Signature")!]))
            let status = await receiver.answer(number)
            // A redirect points at a route that would accept: following it would deliver.
            var headers = HTTPFields()
            if status.kind == .redirection { headers[.location] = "/elsewhere" }
            return Response(status: status, headers: headers)
        }
        router.post("/elsewhere") { _, _ -> HTTPResponse.Status in .ok }
        router.get("/elsewhere") { _, _ -> HTTPResponse.Status in .ok }
        var quiet = Logger(label: "tessera-test")
        quiet.logLevel = .critical
        let logger = quiet
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        let client = SMSWebhookSender.makeHTTPClient()
        let result: Result<Void, any Error>
        do {
            result = .success(try await app.test(.live) { testClient in
                let url = URL(string: "http://127.0.0.1:\(testClient.port!)/sms")!
                let settings = SMSWebhookSender.Settings(url: url, secret: secret, timeout: timeout, attempts: 3, backoff: .milliseconds(20))
                try await body(SMSWebhookSender(settings: settings, client: client, logger: logger))
            })
        } catch {
            result = .failure(error)
        }
        try await client.shutdown()
        try result.get()
        return await receiver.requests
    }

    @Test func postsTheMessageAsSignedJSON() async throws {
        let message = message
        let requests = try await withReceiver(answer: { _ in .noContent }) { try await $0.send(message) }
        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.contentType == "application/json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String])
        #expect(json == ["to": "+4915112345678", "text": "Your code is 123456", "kind": "login-code"])

        // What a receiver does: HMAC-SHA256 of "<timestamp>.<body>" under the shared secret.
        let timestamp = try #require(request.timestamp)
        let signature = try #require(request.signature)
        #expect(signature.hasPrefix("sha256="))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(timestamp.utf8) + [UInt8(ascii: ".")] + request.body, using: SymmetricKey(data: Self.secret))
        #expect(signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
        let sent = try #require(Int(timestamp))
        #expect(abs(sent - Int(Date().timeIntervalSince1970)) < 300)
    }

    @Test func withoutASecretNothingIsSigned() async throws {
        let message = message
        let requests = try await withReceiver(secret: nil, answer: { _ in .ok }) { try await $0.send(message) }
        #expect(requests.count == 1)
        #expect(requests.first?.signature == nil && requests.first?.timestamp == nil)
    }

    @Test func serverErrorsAreTriedAgain() async throws {
        let message = message
        let requests = try await withReceiver(answer: { $0 < 3 ? .serviceUnavailable : .ok }) { try await $0.send(message) }
        #expect(requests.count == 3)
        #expect(Set(requests.map(\.body)).count == 1)
    }

    @Test func aTimeoutIsTriedAgain() async throws {
        let message = message
        // The first answer comes long after the sender's timeout; the timeout leaves room for a
        // loaded machine to answer the next ones in time.
        let requests = try await withReceiver(timeout: .seconds(3), answer: { number in
            if number == 1 { try? await Task.sleep(for: .seconds(10)) }
            return .ok
        }) { try await $0.send(message) }
        // The send succeeded after the first request timed out; a loaded machine may let a
        // retry time out too, within the three attempts.
        #expect((2...3).contains(requests.count))
    }

    @Test func givesUpAfterThreeFailures() async throws {
        let message = message
        let requests = try await withReceiver(answer: { _ in .internalServerError }) { sender in
            await #expect(throws: DeliveryError.self) { try await sender.send(message) }
        }
        #expect(requests.count == 3)
    }

    @Test(arguments: [HTTPResponse.Status.badRequest, .unauthorized, .notFound, .unprocessableContent, .found, .temporaryRedirect])
    func clientErrorsAndRedirectsAreNotTriedAgain(status: HTTPResponse.Status) async throws {
        let message = message
        let requests = try await withReceiver(answer: { _ in status }) { sender in
            await #expect(throws: DeliveryError.self) { try await sender.send(message) }
        }
        #expect(requests.count == 1)
    }

    @Test func anUnreachableReceiverIsADeliveryError() async throws {
        let socket = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(socket.localAddress?.port)
        try await socket.close()
        let client = SMSWebhookSender.makeHTTPClient()
        // The HTTP client keeps trying a refused connection until the attempt's timeout.
        let sender = SMSWebhookSender(
            settings: .init(url: URL(string: "http://127.0.0.1:\(port)/sms")!, secret: nil, timeout: .seconds(1), attempts: 2, backoff: .milliseconds(10)),
            client: client)
        await #expect(throws: DeliveryError.self) { try await sender.send(message) }
        try await client.shutdown()
    }

    @Test func onlyTextMessages() async throws {
        let client = SMSWebhookSender.makeHTTPClient()
        let sender = SMSWebhookSender(settings: .init(url: URL(string: "http://127.0.0.1:9/sms")!, secret: nil), client: client)
        let email = OutgoingMessage(channel: .email, to: "ada@example.com", kind: .loginCode, subject: "s", text: "t")
        await #expect(throws: DeliveryError.self) { try await sender.send(email) }
        try await client.shutdown()
    }

    /// A vector computed outside Swift (Python's hmac), as a receiver in another language would.
    @Test func signatureMatchesAnIndependentImplementation() {
        let body = Array(#"{"kind":"login-code","text":"Your code is 123456","to":"+4915112345678"}"#.utf8)
        let signature = SMSWebhookSender.signature(body: body, secret: Array("0123456789abcdef".utf8), timestamp: 1_700_000_000)
        #expect(signature.timestamp == "1700000000")
        #expect(signature.value == "sha256=004ec5002d6897af27e2824e3f88f0a1f9e80db2f81b50a9c8ec934ffbe90f67")
    }
}
