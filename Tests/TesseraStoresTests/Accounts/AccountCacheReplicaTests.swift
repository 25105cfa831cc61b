import Foundation
import RESP
import RedisTestServers
import Testing
import TesseraCore
import TesseraStores

/// The Redis account cache forgets an account the way sessions are revoked: only once a
/// replica has the delete, so a failover cannot bring back an entry from before a ban.
@Suite(
    "The account cache's deletes on a primary with a replica",
    .enabled(
        if: RedisServer.shouldRun,
        "redis-server is not on PATH; install it to run these tests (with CI or TESSERA_REQUIRE_SERVERS set they fail instead)"
    )
)
struct AccountCacheReplicaTests {
    static let tokens = SessionTokens(serverKey: .init(data: SecureRandom.bytes(32)))

    @Test("a delete is on the replica when forget returns, and unavailable while the replica hangs")
    func forgetWaitsForTheReplica() async throws {
        try await withRedisServer { primary in
            try await withRedisServer(["replicaof 127.0.0.1 \(primary.port)"]) { replica in
                let client = RedisClient(configuration: try RedisConfiguration(url: primary.url))
                let replicaClient = RedisClient(configuration: try RedisConfiguration(url: replica.url))
                defer {
                    replica.resume()
                    Task {
                        await client.close()
                        await replicaClient.close()
                    }
                }
                try await waitForReplicaOnline { try await client.send("INFO", "replication").string ?? "" }
                let cache = RedisAccountCache(client: client, tokens: Self.tokens)
                let ada = User(
                    id: SecureRandom.identifier(length: 12), username: "ada", email: nil, phone: nil, passwordHash: nil,
                    roles: ["admin"], createdAt: Date(), updatedAt: Date())

                try await cache.keepAfterMiss(ada)
                let key = try #require(try await client.send("KEYS", "tessera:*:a:\(ada.id)").array?.first?.string)
                try await cache.forget(ada.id)
                #expect(try await replicaClient.send("EXISTS", key).int == 0)

                try await cache.keepAfterMiss(ada)
                replica.suspend()
                await #expect(throws: AccountStoreError.self) { try await cache.forget(ada.id) }
                // The delete ran on the primary; only its acknowledgement was missing, so the
                // caller was told the store is unavailable rather than that the change is safe.
                #expect(try await cache.account(ada.id) == nil)
            }
        }
    }
}
