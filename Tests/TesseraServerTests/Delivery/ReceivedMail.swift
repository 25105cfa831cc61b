import Foundation
import Testing

/// The test SMTP server (scripts/lib/smtp_server.py, started by scripts/test) and the
/// messages it kept. Run by hand without it, the suites that need it are skipped; when
/// servers are required, a missing variable fails them.
enum SMTPTestServer {
    static let environment = ProcessInfo.processInfo.environment
    static var enabled: Bool { environment["TESSERA_TEST_SMTP_URL"] != nil || TestServersEnvironment.required }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func variable(_ name: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else {
            throw Missing(description: "\(name) is not set but servers are required: run scripts/test")
        }
        return value
    }

    /// No TLS, no AUTH.
    static func plainURL() throws -> String { try variable("TESSERA_TEST_SMTP_URL") }
    /// STARTTLS and AUTH required; user-info and `ca-file` included.
    static func startTLSURL() throws -> String { try variable("TESSERA_TEST_SMTP_TLS_URL") }
    /// TLS from connect, AUTH LOGIN required.
    static func implicitTLSURL() throws -> String { try variable("TESSERA_TEST_SMTPS_URL") }

    /// The message kept for `recipient`, if any.
    static func message(to recipient: String) throws -> ReceivedMail? {
        let folder = try variable("TESSERA_TEST_SMTP_MAILDIR")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".json") {
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))) as? [String: Any]
            guard let recipients = meta?["rcpt_tos"] as? [String], recipients.contains(recipient) else { continue }
            let raw = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name.dropLast(5) + ".eml"))
            return ReceivedMail(raw: Array(raw), envelopeFrom: meta?["mail_from"] as? String, login: meta?["login"] as? String)
        }
        return nil
    }

    static func uniqueRecipient() -> String {
        "ada+\(UUID().uuidString.lowercased().prefix(12))@example.com"
    }
}

/// A message as the SMTP server kept it, read the way a mail client would: unfolded headers,
/// encoded-words and quoted-printable decoded. Written independently of the sender's encoders.
struct ReceivedMail {
    let raw: [UInt8]
    let envelopeFrom: String?
    let login: String?

    private var parts: (headers: String, body: String) {
        let text = String(decoding: raw, as: UTF8.self)
        guard let range = text.range(of: "\r\n\r\n") else { return (text, "") }
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }

    /// Every header, unfolded, by lower-cased name.
    var headers: [String: String] {
        var result: [String: String] = [:]
        let unfolded = parts.headers.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
        for line in unfolded.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            result[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return result
    }

    /// The subject with its `=?UTF-8?B?…?=` words decoded; whitespace between words dropped.
    var subject: String? {
        guard let value = headers["subject"] else { return nil }
        let words = value.split(separator: " ")
        guard words.allSatisfy({ $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") }) else { return value }
        var bytes: [UInt8] = []
        for word in words {
            guard let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
            bytes += data
        }
        return String(bytes: bytes, encoding: .utf8)
    }

    /// The body with quoted-printable decoded, as UTF-8.
    var text: String? {
        let encoded = Array(parts.body.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < encoded.count {
            if encoded[index] == UInt8(ascii: "="), index + 2 < encoded.count,
               let byte = UInt8(String(decoding: encoded[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(encoded[index])
                index += 1
            }
        }
        return String(bytes: bytes, encoding: .utf8)
    }
}
