/// The cost of an scrypt hash: N = 2^`logN` (memory and time), `blockSize` r and
/// `parallelism` p. Memory is 128·N·r bytes; time grows with N·r·p.
///
/// ```swift
/// let hasher = PasswordHasher(parameters: .recommended)
/// let cheap = ScryptParameters(logN: 10, blockSize: 8, parallelism: 1)!  // tests only
/// ```
public struct ScryptParameters: Sendable, Hashable, CustomStringConvertible {
    /// log2 of N, the CPU/memory cost (`ln` in the PHC string).
    public let logN: Int
    /// r, the block size (`r` in the PHC string).
    public let blockSize: Int
    /// p, the parallelism (`p` in the PHC string); BoringSSL runs the lanes one after another.
    public let parallelism: Int

    /// The OWASP password-storage row N=2^16 (64 MiB), r=8, p=2.
    ///
    /// Measured on the project's 2-core machines, release build: about 0.36 s of one core
    /// per hash or verification, against 0.28 s for bcrypt cost 12. OWASP rates its other
    /// rows as strong, and they are quicker here because their smaller memory sits closer
    /// to the caches (N=2^15, p=3: 0.25 s; N=2^14, p=5: 0.18 s); they also make each guess
    /// on an attacker's GPU cheaper in memory, which is why the 64 MiB row is the default.
    public static let recommended = ScryptParameters(checkedLogN: 16, blockSize: 8, parallelism: 2)

    /// Nil when the values are outside what ``PasswordHasher`` accepts: N < 2^(16·r) as
    /// scrypt requires, at most 1 GiB of memory and at most 2^25 units of N·r·p work
    /// (32 times the recommended row, about 12 s).
    public init?(logN: Int, blockSize: Int, parallelism: Int) {
        guard Self.isAcceptable(logN: logN, blockSize: blockSize, parallelism: parallelism) else {
            return nil
        }
        self.init(checkedLogN: logN, blockSize: blockSize, parallelism: parallelism)
    }

    private init(checkedLogN: Int, blockSize: Int, parallelism: Int) {
        self.logN = checkedLogN
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// N, the number of 128·r-byte blocks scrypt keeps in memory.
    public var rounds: Int { 1 << logN }

    /// Bytes of memory one hash needs.
    public var memoryBytes: Int { 128 * rounds * blockSize }

    /// The parameter segment of the PHC string, e.g. `ln=16,r=8,p=2`.
    public var description: String { "ln=\(logN),r=\(blockSize),p=\(parallelism)" }

    /// True when hashes made with `self` are weaker than ones made with `other` in any
    /// of the three dimensions, so they should be replaced.
    public func isWeaker(than other: ScryptParameters) -> Bool {
        logN < other.logN || blockSize < other.blockSize || parallelism < other.parallelism
    }

    // The same bounds apply to parameters read back from stored hashes: a tampered or
    // corrupt row must not make one login allocate gigabytes or run for minutes.
    private static func isAcceptable(logN: Int, blockSize: Int, parallelism: Int) -> Bool {
        guard (1...30).contains(logN), (1...64).contains(blockSize), (1...64).contains(parallelism),
            logN < 16 * blockSize
        else { return false }
        let rounds = 1 << logN
        return 128 * rounds * blockSize <= 1 << 30 && rounds * blockSize * parallelism <= 1 << 25
    }
}
