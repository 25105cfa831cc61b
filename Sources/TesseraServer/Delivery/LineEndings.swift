/// The line breaks of text from outside: CRLF, a bare LF and a bare CR each end a line.
///
/// SMTP knows only CRLF; a bare CR or LF in a message is read differently by different
/// servers (the root of SMTP smuggling), so every one becomes CRLF before sending.
/// ```swift
/// LineEndings.lines(of: Array("a\r\nb\nc\rd".utf8)).count  // 4
/// ```
public enum LineEndings {
    public static func lines(of bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                lines.append(current)
                current = []
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
            } else {
                current.append(byte)
            }
            index += 1
        }
        lines.append(current)
        return lines
    }
}
