import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import TesseraCore

/// Delivers text messages by a JSON POST to a webhook, which hands them to an SMS gateway:
/// `{"kind":"login-code","text":"…","to":"+4915112345678"}`.
///
/// A 2xx answer is delivery. A 5xx answer, a timeout or a broken connection is tried again
/// after a back-off that doubles (3 attempts in all by default); a 4xx answer or a redirect
/// fails at once, since sending the same request again would get the same answer.
///
/// With a secret, each request is signed: `X-Tessera-Timestamp` is the Unix time in seconds,
/// `X-Tessera-Signature` is `sha256=` and the hex HMAC-SHA256, under the secret, of the
/// timestamp, a ".", and the body as sent. docs/delivery.md shows how a receiver checks it.
///
/// Logs the destination's hash prefix, the status and the attempt — never the text.
/// ```swift
/// let sender = SMSWebhookSender(
///     settings: .init(url: URL(string: "https://sms.example.com/send")!, secret: Array("shared".utf8)),
///     client: SMSWebhookSender.makeHTTPClient())
/// try await sender.send(message)
/// ```
public struct SMSWebhookSender: MessageSender {
    public struct Settings: Sendable {
        public var url: URL
        public var secret: [UInt8]?
        /// For one attempt, connect to last byte of the answer.
        public var timeout: Duration
        public var attempts: Int
        /// The wait before the second attempt; each further wait doubles.
        public var backoff: Duration

        public init(url: URL, secret: [UInt8]?, timeout: Duration = .seconds(10), attempts: Int = 3, backoff: Duration = .milliseconds(500)) {
            self.url = url
            self.secret = secret
            self.timeout = timeout
            self.attempts = max(1, attempts)
            self.backoff = backoff
        }
    }

    public let settings: Settings
    let client: HTTPClient
    let logger: Logger

    public init(settings: Settings, client: HTTPClient, logger: Logger = Logger(label: "tessera.sms")) {
        self.settings = settings
        self.client = client
        self.logger = logger
    }

    public func send(_ message: OutgoingMessage) async throws {
        guard message.channel == .sms else { throw DeliveryError("the SMS webhook delivers text messages only") }
        let body = try Self.body(message)
        var logger = logger
        logger[metadataKey: "recipient"] = "\(IdentifierDigest.hex(message.to).prefix(12))"
        logger[metadataKey: "kind"] = "\(message.kind.rawValue)"
        var wait = settings.backoff
        for attempt in 1...settings.attempts {
            logger[metadataKey: "attempt"] = "\(attempt)"
            switch await post(body, logger: logger) {
            case .delivered:
                logger.info("sms delivered")
                return
            case .refused(let status):
                throw DeliveryError("the SMS webhook refused the message (\(status))")
            case .failed:
                guard attempt < settings.attempts else { break }
                try await Task.sleep(for: wait)
                wait *= 2
            }
        }
        throw DeliveryError("the SMS webhook failed \(settings.attempts) times")
    }

    private enum Outcome {
        case delivered
        case refused(UInt)
        case failed
    }

    private func post(_ body: [UInt8], logger: Logger) async -> Outcome {
        var request = HTTPClientRequest(url: settings.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "tessera")
        if let secret = settings.secret {
            let signature = Self.signature(body: body, secret: secret, timestamp: Int(Date().timeIntervalSince1970))
            request.headers.add(name: "X-Tessera-Timestamp", value: signature.timestamp)
            request.headers.add(name: "X-Tessera-Signature", value: signature.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: SMTPSender.timeAmount(settings.timeout))
            // Read the answer to its end so the connection can be reused; its content is not needed.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = response.status.code
            switch status {
            case 200..<300: return .delivered
            case 500..<600:
                logger.warning("sms webhook answered \(status)")
                return .failed
            default:
                logger.warning("sms webhook refused", metadata: ["status": "\(status)"])
                return .refused(status)
            }
        } catch {
            logger.warning("sms webhook unreachable", metadata: ["error": "\(error)"])
            return .failed
        }
    }

    /// The client the webhook wants: redirects are answers, not detours (a redirect must not
    /// carry a signed code elsewhere), and a connect gives up after 5 seconds.
    public static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static func body(_ message: OutgoingMessage) throws -> [UInt8] {
        struct Payload: Encodable {
            var to: String
            var text: String
            var kind: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(Payload(to: message.to, text: message.text, kind: message.kind.rawValue)))
    }

    /// The signature headers of one request: the timestamp and `sha256=<hex>`.
    public static func signature(body: [UInt8], secret: [UInt8], timestamp: Int) -> (timestamp: String, value: String) {
        let stamp = String(timestamp)
        var signed = Array(stamp.utf8)
        signed.append(UInt8(ascii: "."))
        signed += body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: secret))
        return (stamp, "sha256=" + Hex.encode(mac))
    }
}
