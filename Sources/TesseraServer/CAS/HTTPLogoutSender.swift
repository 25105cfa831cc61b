import Foundation
import TesseraSSO
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends single-logout requests with Foundation's URL loading (libcurl on Linux): a form
/// `POST` to the service URL, a 2xx answer within the timeout counting as delivered.
struct HTTPLogoutSender: LogoutSender {
    let timeout: Duration
    let session: URLSession

    init(timeout: Duration) {
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout.seconds
        configuration.timeoutIntervalForResource = timeout.seconds
        configuration.httpCookieAcceptPolicy = .never
        session = URLSession(configuration: configuration)
    }

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    func send(_ request: LogoutRequest, to serviceURL: String) async throws {
        guard let url = URL(string: serviceURL) else { throw Refused(description: "not a URL") }
        var post = URLRequest(url: url, timeoutInterval: timeout.seconds)
        post.httpMethod = "POST"
        post.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        post.setValue("tessera", forHTTPHeaderField: "User-Agent")
        post.httpBody = Data(request.formBody.utf8)
        let (_, response) = try await session.data(for: post)
        guard let status = (response as? HTTPURLResponse)?.statusCode else { throw Refused(description: "no HTTP answer") }
        guard (200..<300).contains(status) else { throw Refused(description: "HTTP \(status)") }
    }
}
