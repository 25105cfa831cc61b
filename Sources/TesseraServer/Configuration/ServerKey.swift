import Foundation
import TesseraCore

/// The key that signs session tokens. Given in configuration for a cluster (every node the
/// same); otherwise created once in the data folder, readable by its owner only.
enum ServerKey {
    static func load(configured: [UInt8]?, dataDirectory: String) throws -> [UInt8] {
        if let configured { return configured }
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = (dataDirectory as NSString).appendingPathComponent("server.key")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count >= 32 else {
                throw ConfigurationError("\(path) does not hold base64 of at least 32 bytes")
            }
            return Array(data)
        }
        let key = SecureRandom.bytes(32)
        guard fileManager.createFile(atPath: path, contents: Data(Data(key).base64EncodedString().utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot write the server key to \(path)")
        }
        return key
    }
}
