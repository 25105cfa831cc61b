/// A `MOVED` or `ASK` error reply: the slot lives, for good or for this one command, on another node.
///
/// `MOVED 3999 127.0.0.1:6381` means the slot map is out of date; `ASK 3999 127.0.0.1:6381` means
/// the slot is being migrated and this key is already on the target, which serves it only after
/// `ASKING`. An empty host (`MOVED 3999 :6381`) means the host of the node that answered.
struct ClusterRedirection: Equatable {
    enum Kind { case moved, ask }

    let kind: Kind
    let slot: Int
    let endpoint: RedisEndpoint

    init?(errorMessage message: String, answeredBy node: RedisEndpoint) {
        let parts = message.split(separator: " ")
        guard parts.count == 3, let slot = Int(parts[1]), (0..<RedisHashSlot.count).contains(slot) else { return nil }
        switch parts[0] {
        case "MOVED": self.kind = .moved
        case "ASK": self.kind = .ask
        default: return nil
        }
        guard let colon = parts[2].lastIndex(of: ":"), let port = Int(parts[2][parts[2].index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = parts[2][..<colon]
        if host.first == "[", host.last == "]" { host = host.dropFirst().dropLast() }
        self.slot = slot
        self.endpoint = RedisEndpoint(host: host.isEmpty ? node.host : String(host), port: port)
    }
}
