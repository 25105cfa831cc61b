import TesseraCore

/// New account ids: 128 random bits as 26 lower-case base32 characters (RFC 4648
/// alphabet, no padding), e.g. `k3q7…`. Not sequential, so an id reveals neither how many
/// accounts exist nor which ones were made around the same time.
enum AccountID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func generate() -> String {
        var text: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in SecureRandom.bytes(16) {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                text.append(alphabet[(buffer >> bits) & 31])
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 {
            text.append(alphabet[(buffer << (5 - bits)) & 31])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
