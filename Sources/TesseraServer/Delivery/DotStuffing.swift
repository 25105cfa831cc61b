/// The DATA section of an SMTP transaction (RFC 5321 §4.5.2): every line ends in CRLF, a
/// line that starts with "." gets a second one, and "CRLF.CRLF" ends the message.
/// ```swift
/// DotStuffing.dataSection(Array(".hidden\r\nend".utf8))  // ..hidden CRLF end CRLF . CRLF
/// ```
public enum DotStuffing {
    public static func dataSection(_ message: [UInt8]) -> [UInt8] {
        var lines = LineEndings.lines(of: message)
        // A message that ends with a line break has no last line of its own.
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 16 + 8)
        for line in lines {
            if line.first == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out += line
            out += [13, 10]
        }
        out += Array(".\r\n".utf8)
        return out
    }
}
