import Foundation

/// The resident set of this process, as the kernel reports it in `/proc/self/status`.
///
/// ```swift
/// let before = try ProcessMemory.residentBytes()
/// ```
enum ProcessMemory {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "no VmRSS line in /proc/self/status (Linux only)" }
    }

    /// `VmRSS`: the pages of this process in memory now, in bytes.
    static func residentBytes() throws -> Int { try field("VmRSS") }

    /// `VmHWM`: the largest resident set this process has had, in bytes.
    static func peakResidentBytes() throws -> Int { try field("VmHWM") }

    private static func field(_ name: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            // "VmRSS:     123456 kB"
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if words.count == 3, words[2] == "kB", let kilobytes = Int(words[1]) { return kilobytes * 1024 }
        }
        throw Unavailable()
    }
}
