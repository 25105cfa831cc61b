import HTTPTypes
import Hummingbird
import NIOCore

/// The client's address: the socket's peer, unless that peer is a configured trusted proxy,
/// in which case the nearest untrusted hop of `X-Forwarded-For`.
struct ClientAddress: Sendable {
    let trustedProxies: Set<String>

    func of(_ request: Request, peer: SocketAddress?) -> String? {
        let peerIP = peer?.ipAddress
        guard let peerIP, trustedProxies.contains(peerIP) else { return peerIP }
        let hops = request.headers[values: .xForwardedFor]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !trustedProxies.contains(hop) {
            return hop.count <= 45 && !hop.isEmpty ? hop : peerIP
        }
        return peerIP
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
