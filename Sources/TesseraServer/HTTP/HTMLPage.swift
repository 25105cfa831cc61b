import HTTPTypes
import Hummingbird
import NIOCore

/// A small self-contained HTML page for answers people read in a browser (a verification
/// link, the dev outbox, the CAS sign-in form): escaped text, no script, no outside
/// resources, never framed, nothing sent on to other sites.
///
/// ```swift
/// return HTMLPage(title: "E-mail address verified", body: "<p>\(HTMLPage.escape(email)) is verified.</p>").response(status: .ok)
/// ```
struct HTMLPage {
    var title: String
    /// HTML; every piece of text in it must have gone through ``escape(_:)``.
    var body: String

    func response(status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        let html = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>\(Self.escape(title))</title></head>
            <body>
            <h1>\(Self.escape(title))</h1>
            \(body)
            </body>
            </html>

            """
        let bytes = Array(html.utf8)
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .contentLength: String(bytes.count), .cacheControl: "no-store",
            .referrerPolicy: "no-referrer", .xContentTypeOptions: "nosniff", .xFrameOptions: "DENY",
            .contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Text made safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
}
