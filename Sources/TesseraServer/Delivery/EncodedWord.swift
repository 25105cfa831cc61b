import Foundation

/// RFC 2047 encoded-words: how a header carries text that is not plain ASCII.
///
/// Each word is `=?UTF-8?B?<base64>?=`, at most 75 characters, and holds whole characters
/// only, so every word decodes to valid UTF-8 on its own. Words are joined by a folding
/// line break (CRLF and a space), which readers drop between encoded-words.
/// ```swift
/// EncodedWord.text("Grüße")  // "=?UTF-8?B?R3LDvMOfZQ==?="
/// EncodedWord.text("Hello")  // "Hello"
/// ```
public enum EncodedWord {
    /// Raw bytes per word: 45 bytes are 60 base64 characters, 72 with the `=?UTF-8?B?…?=`.
    static let bytesPerWord = 45
    /// Plain header text longer than this is encoded too, so that it can be folded.
    static let longestPlainText = 76

    /// Unstructured header text (a subject): as is when it is short printable ASCII.
    public static func text(_ value: String) -> String {
        let plain = value.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
        if plain && value.utf8.count <= longestPlainText && !value.contains("=?") { return value }
        return words(value).joined(separator: "\r\n ")
    }

    /// A display name: an atom-only name as is, other ASCII quoted, anything else encoded.
    public static func phrase(_ value: String) -> String {
        let atomCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ")
        if value.allSatisfy({ atomCharacters.contains($0) }) && !value.contains("=?") && value.utf8.count <= longestPlainText {
            return value
        }
        if value.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) && value.utf8.count <= longestPlainText {
            return "\"" + value.replacingBackslashAndQuote() + "\""
        }
        return words(value).joined(separator: "\r\n ")
    }

    /// Splits on character boundaries into chunks of at most ``bytesPerWord`` UTF-8 bytes.
    static func words(_ value: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in value {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > bytesPerWord {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}

extension String {
    fileprivate func replacingBackslashAndQuote() -> String {
        var out = ""
        for character in self {
            if character == "\\" || character == "\"" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
