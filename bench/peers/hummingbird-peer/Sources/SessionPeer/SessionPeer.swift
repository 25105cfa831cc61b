import Foundation
import Hummingbird
import HummingbirdAuth
import RESP
import RESPHummingbird

/// The same three endpoints as the Flask peer, with sessions in Redis:
///
///     POST /login    starts a session (a cookie naming a Redis key that holds the user)
///     GET  /session  the signed-in user, or 401: one Redis round trip (GET and PTTL pipelined)
///     GET  /live     touches no session: the cost of HTTP and Hummingbird alone
///
/// Reads REDIS_URL (redis://127.0.0.1:6379) and PORT (8080) from the environment; listens on 127.0.0.1.
@main
struct SessionPeer {
    typealias Context = BasicSessionRequestContext<BenchSession, String>

    static func main() async throws {
        let environment = ProcessInfo.processInfo.environment
        let redis = RedisClient(configuration: try RedisConfiguration(url: environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"))
        let port = Int(environment["PORT"] ?? "") ?? 8080

        let router = Router(context: Context.self)
        router.get("live") { _, _ in ["status": "ok"] }
        router.group()
            .add(middleware: SessionMiddleware(storage: RedisPersistDriver(client: redis, keyPrefix: "peer:")))
            .post("login") { _, context in
                context.sessions.createSession(BenchSession(user: "bench"), expiresIn: .seconds(3600))
                return ["user": "bench"]
            }
            .get("session") { _, context in
                guard let session = context.sessions.session else {
                    throw HTTPError(.unauthorized, message: "Log in first.")
                }
                return ["user": session.user]
            }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        try await app.runService()
        await redis.close()
    }
}
