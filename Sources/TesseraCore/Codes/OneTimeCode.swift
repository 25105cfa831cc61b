/// The digits a person types: drawn uniformly from the system CSPRNG.
///
/// ```swift
/// let code = OneTimeCode.draw(digits: 6)          // "048213"
/// OneTimeCode.isWellFormed("048213", digits: 6)   // true
/// ```
public enum OneTimeCode {
    public static func draw(digits: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var upper: UInt64 = 1
        for _ in 0..<digits { upper *= 10 }
        // random(in:) rejects rather than folds, so every code is equally likely.
        let value = String(UInt64.random(in: 0..<upper, using: &generator))
        return String(repeating: "0", count: digits - value.count) + value
    }

    public static func isWellFormed(_ code: String, digits: Int) -> Bool {
        code.utf8.count == digits && code.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}
