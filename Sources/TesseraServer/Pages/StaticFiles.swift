import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /static/tessera.js` and `/static/tessera.css`: the pages' script and stylesheet,
/// served from memory. They are the only script the policy of the pages allows.
///
/// ```swift
/// let files = StaticFiles()
/// router.group().route(.get, "/static/tessera.js", in: table, use: files.script)
/// ```
struct StaticFiles: Sendable {
    private let scriptBytes: [UInt8]
    private let styleBytes: [UInt8]

    init() {
        scriptBytes = PageTemplates.staticFile("tessera.js") ?? []
        styleBytes = PageTemplates.staticFile("tessera.css") ?? []
    }

    func script(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        Self.response(scriptBytes, type: "text/javascript; charset=utf-8")
    }

    func style(_ request: Request, context: TesseraRequestContext) async throws -> Response {
        Self.response(styleBytes, type: "text/css; charset=utf-8")
    }

    private static func response(_ bytes: [UInt8], type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .contentLength: String(bytes.count), .cacheControl: "public, max-age=300", .xContentTypeOptions: "nosniff"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
