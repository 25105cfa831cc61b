/// Quoted-printable (RFC 2045 §6.7): the body's transfer encoding, readable where the text
/// is ASCII and 7-bit safe for any UTF-8.
///
/// Line breaks of the text become CRLF (hard breaks); lines longer than 76 characters get
/// soft breaks (`=` at the end of the line). A space or tab before a break is encoded, since
/// relays may strip it. Dots at the start of a line stay: the SMTP layer stuffs them.
/// ```swift
/// QuotedPrintable.encode("Grüße\n")  // "Gr=C3=BC=C3=9Fe\r\n"
/// ```
public enum QuotedPrintable {
    static let maximumLineLength = 76

    public static func encode(_ text: String) -> String {
        var out = ""
        let lines = LineEndings.lines(of: Array(text.utf8))
        for (index, line) in lines.enumerated() {
            encodeLine(line, into: &out)
            if index < lines.count - 1 { out += "\r\n" }
        }
        return out
    }

    private static func encodeLine(_ line: [UInt8], into out: inout String) {
        var column = 0
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast)
            let piece = literal ? String(UnicodeScalar(byte)) : "=" + hexByte(byte)
            // Keep room for the soft break's "=" unless this piece ends the line.
            let limit = isLast ? maximumLineLength : maximumLineLength - 1
            if column + piece.count > limit {
                out += "=\r\n"
                column = 0
            }
            out += piece
            column += piece.count
        }
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
