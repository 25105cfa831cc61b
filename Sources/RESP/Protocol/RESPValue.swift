import NIOCore

/// A reply from a Redis or Valkey server, in any RESP2 or RESP3 type.
///
/// Every null on the wire (`$-1`, `*-1` and RESP3's `_`) arrives as ``null``, and attributes (`|`) are
/// skipped by the decoder, so callers never have to tell protocol versions apart. Most code reads
/// replies through the conversions (``string``, ``int``, ``array``, ``map`` …):
///
/// ```swift
/// let reply = try await client.send("HGETALL", "user:42")
/// for (field, value) in reply.map ?? [] {
///     print(field.string ?? "?", value.string ?? "?")
/// }
/// ```
public enum RESPValue: Sendable {
    /// `+OK`: a short text that cannot contain CR or LF.
    case simpleString(String)
    /// `-ERR …`: an error inside an aggregate; a top-level error reply is thrown as ``RedisClientError/server(_:)``.
    case simpleError(String)
    /// `:42`
    case integer(Int)
    /// `$5 hello`: binary-safe bytes, sliced from the receive buffer without copying.
    case bulkString(ByteBuffer)
    /// `_`, `$-1` or `*-1`
    case null
    /// `,3.14`, also `inf`, `-inf` and `nan`.
    case double(Double)
    /// `#t` or `#f`
    case boolean(Bool)
    /// `(3492890328409238509324850943850943825024385`: kept as its decimal digits.
    case bigNumber(String)
    /// `!21 SYNTAX invalid syntax`: a binary-safe error inside an aggregate.
    case bulkError(String)
    /// `=15 txt:Some string`: text with a three-letter format such as `txt` or `mkd`.
    ///
    /// Boxed, being rare and the only case larger than a `ByteBuffer`: that keeps every reply
    /// small enough to travel through the channel pipeline without an allocation of its own.
    indirect case verbatimString(format: String, text: ByteBuffer)
    /// `*2 …`
    case array([RESPValue])
    /// `%2 …`: pairs in the order the server sent them; keys need not be unique or hashable.
    case map([(key: RESPValue, value: RESPValue)])
    /// `~2 …`
    case set([RESPValue])
    /// `>3 …`: an out-of-band message (pub/sub, client tracking), never the reply to a command.
    case push([RESPValue])
}

extension RESPValue: Equatable {
    public static func == (lhs: RESPValue, rhs: RESPValue) -> Bool {
        switch (lhs, rhs) {
        case (.simpleString(let l), .simpleString(let r)): l == r
        case (.simpleError(let l), .simpleError(let r)): l == r
        case (.integer(let l), .integer(let r)): l == r
        case (.bulkString(let l), .bulkString(let r)): l == r
        case (.null, .null): true
        case (.double(let l), .double(let r)): l == r
        case (.boolean(let l), .boolean(let r)): l == r
        case (.bigNumber(let l), .bigNumber(let r)): l == r
        case (.bulkError(let l), .bulkError(let r)): l == r
        case (.verbatimString(let lf, let lt), .verbatimString(let rf, let rt)): lf == rf && lt == rt
        case (.array(let l), .array(let r)): l == r
        case (.map(let l), .map(let r)): l.elementsEqual(r) { $0.key == $1.key && $0.value == $1.value }
        case (.set(let l), .set(let r)): l == r
        case (.push(let l), .push(let r)): l == r
        default: false
        }
    }
}
