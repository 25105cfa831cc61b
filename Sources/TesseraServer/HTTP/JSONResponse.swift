import Foundation
import Hummingbird
import NIOCore

/// JSON in and out, the one way: UTF-8 with `charset=utf-8`, RFC 3339 dates in UTC.
public enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    static func make(status: HTTPResponse.Status = .ok, _ value: some JSONRepresentable) -> Response {
        var json = JSONWriter()
        value.write(to: &json)
        return Response(
            status: status,
            headers: [.contentType: contentType, .contentLength: String(json.bytes.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }

    /// One value as a line of JSON, for the command line.
    static func line(_ value: some JSONRepresentable) -> String {
        var json = JSONWriter()
        value.write(to: &json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// A body that is JSON text already, such as a document built around stored session
    /// values (which are JSON texts kept exactly as they were written).
    static func make(status: HTTPResponse.Status = .ok, json: some Collection<UInt8>) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType, .contentLength: String(json.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }

    public static func noContent() -> Response {
        Response(status: .noContent)
    }
}

/// Reads a JSON request body into a `Decodable`, turning every way it can be wrong into a
/// 400 `INVALID_INPUT` naming the field, and a body over the limit into 413.
public enum JSONRequest {
    public static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: TesseraRequestContext) async throws -> T {
        try decode(T.self, from: try await body(of: request, context: context))
    }

    /// `bytes`, a body read by ``body(of:context:)``, as a `T`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw APIError.invalidInput("The field '\(path(context.codingPath + [key]))' is required.", field: path(context.codingPath + [key]))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            guard !context.codingPath.isEmpty else { throw APIError.invalidInput("The body must be a JSON object.") }
            throw APIError.invalidInput("The field '\(path(context.codingPath))' has the wrong type.", field: path(context.codingPath))
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw APIError.invalidInput("The field '\(path(context.codingPath))' is not valid.", field: path(context.codingPath))
        } catch {
            throw APIError.invalidInput("The body is not valid JSON.")
        }
    }

    /// The JSON text of the body's member `name`, whatever its type (`null` included),
    /// without whitespace between tokens: for values kept as JSON rather than decoded.
    /// The body must be an object that has the member.
    public static func member(_ name: String, from request: Request, context: TesseraRequestContext) async throws -> String {
        let bytes = try await body(of: request, context: context)
        guard let text = StrictJSON.member(name, of: bytes) else {
            throw APIError.invalidInput("The body must be a JSON object with the field '\(name)'.", field: name)
        }
        return text
    }

    /// The body, checked by ``StrictJSON``: read it once when both decoded fields and raw
    /// members are needed.
    static func body(of request: Request, context: TesseraRequestContext) async throws -> [UInt8] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, code: "PAYLOAD_TOO_LARGE", message: "The request body is larger than \(context.maxUploadSize) bytes.")
        }
        guard buffer.readableBytes > 0 else { throw APIError.invalidInput("A JSON body is required.") }
        let bytes = Array(buffer.readableBytesView)
        do {
            try StrictJSON.validate(bytes)
        } catch StrictJSON.Failure.duplicateKey(let key) {
            throw APIError.invalidInput("The field '\(key.prefix(64))' appears twice.", field: String(key.prefix(64)))
        } catch StrictJSON.Failure.tooDeep {
            throw APIError.invalidInput("The body is nested too deeply.")
        } catch {
            throw APIError.invalidInput("The body is not valid JSON.")
        }
        return bytes
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map(\.stringValue).joined(separator: ".")
    }
}
