/// What the peer keeps in a session: the signed-in user's name, as the Flask peer does.
struct BenchSession: Codable, Sendable {
    var user: String
}
