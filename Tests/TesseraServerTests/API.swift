import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Small helpers to drive the JSON API from tests.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Data

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    var errorCode: String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }

    subscript(path: String) -> Any? {
        var value: Any? = json
        for key in path.split(separator: ".") { value = (value as? [String: Any])?[String(key)] }
        return value
    }
}

extension TestClientProtocol {
    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, token: String? = nil,
        headers extra: HTTPFields = [:], rawBody: ByteBuffer? = nil
    ) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        let body = rawBody ?? json.map { ByteBuffer(string: $0) }
        return try await execute(uri: uri, method: method, headers: headers, body: body) { response in
            Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }

    @discardableResult
    func register(_ username: String, password: String = "correct horse battery", email: String? = nil, phone: String? = nil) async throws -> Reply {
        let emailField = email.map { #", "email": "\#($0)""# } ?? ""
        let phoneField = phone.map { #", "phone": "\#($0)""# } ?? ""
        let reply = try await call(
            .post, "/api/accounts", json: #"{"username": "\#(username)", "password": "\#(password)"\#(emailField)\#(phoneField)}"#)
        return reply
    }

    func login(_ login: String, password: String = "correct horse battery", device: String = "web") async throws -> Reply {
        try await call(.post, "/api/login", json: #"{"method": "password", "login": "\#(login)", "password": "\#(password)", "device": "\#(device)"}"#)
    }

    /// Registers and logs in; returns the token.
    func signedIn(_ username: String, device: String = "web") async throws -> String {
        let registered = try await register(username)
        #expect(registered.status == .created || registered.status == .conflict)
        let reply = try await login(username, device: device)
        #expect(reply.status == .ok)
        return try #require(reply.json["token"] as? String)
    }
}
