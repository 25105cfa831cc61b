/// Values longer than a Redis listpack entry (64 bytes), with multi-byte UTF-8 characters
/// across the 64-byte boundaries where the Redis store cuts them into pieces.
enum LongSessionValues {
    /// A user agent of 200 bytes.
    static let userAgent = "Mozilla/5.0 (" + String(repeating: "Ä", count: 40) + String(repeating: "日", count: 20)
        + String(repeating: "🙂", count: 6) + ") AppleWebKit/537.36 xx"

    /// A device name of 100 characters, as many as the API takes, in 239 bytes.
    static let deviceName = "A" + String(repeating: "Ж", count: 59) + String(repeating: "日", count: 40)
}
