/// Delivers one logout request over HTTP: a `POST` of ``LogoutRequest/formBody`` to the
/// service URL. Succeeds on any 2xx answer within the timeout; throws otherwise.
///
/// ```swift
/// try await sender.send(LogoutRequest(ticket: t, id: id, issuedAt: now), to: "https://shop.example/app")
/// ```
public protocol LogoutSender: Sendable {
    func send(_ request: LogoutRequest, to serviceURL: String) async throws
}
