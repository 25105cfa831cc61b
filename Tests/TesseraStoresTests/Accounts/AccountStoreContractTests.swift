import Foundation
import TesseraCore
import TesseraStores
import Testing

/// The behaviour every ``AccountStore`` must have, written once and run against each backend.
@Suite("AccountStore contract")
struct AccountStoreContractTests {
    @Test(
        "PostgreSQL is there for the PostgreSQL cases",
        .enabled(if: TestServers.postgresEnabled, TestServers.skipMessage))
    func postgresConfigured() throws {
        _ = try TestServers.requireDatabaseURL()
    }

    @Test("create, then find by id, username, e-mail and phone", arguments: AccountStoreBackend.available)
    func createAndFind(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            let created = try await store.create(
                NewAccount(
                    username: "ada-\(tag.value)", email: "ada.\(tag.value)@example.com", phone: "+86\(tag.digits)",
                    passwordHash: "$scrypt$ln=16,r=8,p=2$c2FsdA$aGFzaA", roles: ["user"], emailVerified: true))
            #expect(created.id.count >= 22)
            #expect(created.username == "ada-\(tag.value)")
            #expect(created.emailVerified && !created.phoneVerified)
            #expect(created.status == .active)
            #expect(created.createdAt == created.updatedAt)
            #expect(abs(created.createdAt.timeIntervalSinceNow) < 60)

            #expect(try await store.find(.id(created.id)) == created)
            #expect(try await store.find(.username("ada-\(tag.value)")) == created)
            #expect(try await store.find(.username("ADA-\(tag.value.uppercased())")) == created)
            #expect(try await store.find(.email("Ada.\(tag.value.uppercased())@EXAMPLE.com")) == created)
            #expect(try await store.find(.phone("+86\(tag.digits)")) == created)
            #expect(try await store.find(.phone("86\(tag.digits)")) == nil)
            #expect(try await store.find(.id(created.id.uppercased())) == nil)
        }
    }

    @Test("ids are random, not sequential", arguments: AccountStoreBackend.available)
    func randomIDs(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            var ids: Set<String> = []
            for index in 0..<5 {
                ids.insert(
                    try await store.create(NewAccount(username: "id\(index)-\(tag.value)", passwordHash: nil)).id)
            }
            #expect(ids.count == 5)
            #expect(Set(ids.map { $0.prefix(4) }).count > 1)
        }
    }

    @Test(
        "accounts without some identifiers do not collide on the missing ones", arguments: AccountStoreBackend.available)
    func missingIdentifiers(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            let first = try await store.create(NewAccount(username: "a-\(tag.value)", passwordHash: nil))
            let second = try await store.create(
                NewAccount(username: nil, email: "b.\(tag.value)@example.com", passwordHash: nil))
            let third = try await store.create(NewAccount(username: nil, phone: "+1\(tag.digits)", passwordHash: nil))
            #expect(first.email == nil && first.phone == nil && first.passwordHash == nil)
            #expect(try await store.find(.id(second.id)) == second)
            #expect(try await store.find(.id(third.id)) == third)
        }
    }

    @Test(
        "a taken identifier is a conflict naming it, and nothing is written",
        arguments: AccountStoreBackend.available, [AccountField.username, .email, .phone])
    func conflicts(backend: AccountStoreBackend, field: AccountField) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            let existing = NewAccount(
                username: "taken-\(tag.value)", email: "taken.\(tag.value)@example.com", phone: "+44\(tag.digits)",
                passwordHash: nil)
            _ = try await store.create(existing)

            var clash = NewAccount(
                username: "fresh-\(tag.value)", email: "fresh.\(tag.value)@example.com", phone: "+33\(tag.digits)",
                passwordHash: "hash", roles: ["admin"])
            switch field {
            case .username: clash.username = existing.username?.uppercased()
            case .email: clash.email = existing.email?.uppercased()
            case .phone: clash.phone = existing.phone
            }
            await #expect(throws: AccountStoreError.conflict(field)) { try await store.create(clash) }

            #expect(try await store.search(tag.value, limit: 10).count == 1)
            #expect(try await store.search("fresh-\(tag.value)", limit: 10) == [])
            #expect(try await store.search("fresh.\(tag.value)", limit: 10) == [])
            #expect(try await store.find(.username("fresh-\(tag.value)")) == nil)
            #expect(try await store.find(.email("fresh.\(tag.value)@example.com")) == nil)
            #expect(try await store.find(.phone("+33\(tag.digits)")) == nil)
        }
    }

    @Test(
        "of 20 simultaneous registrations of one username exactly one succeeds", arguments: AccountStoreBackend.available
    )
    func concurrentCreates(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            let outcomes = await withTaskGroup(of: Result<User, any Error>.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        do {
                            return .success(
                                try await store.create(
                                    NewAccount(
                                        username: "race-\(tag.value)", email: "race\(index).\(tag.value)@example.com",
                                        passwordHash: nil)))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let winners = outcomes.compactMap { try? $0.get() }
            let conflicts = outcomes.filter {
                if case .failure(let error) = $0 { return error as? AccountStoreError == .conflict(.username) }
                return false
            }
            #expect(winners.count == 1)
            #expect(conflicts.count == 19)
            #expect(try await store.search("race-\(tag.value)", limit: 50) == winners)
        }
    }

    @Test("roles round trip", arguments: AccountStoreBackend.available)
    func roles(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            let user = try await store.create(
                NewAccount(username: "roles-\(tag.value)", passwordHash: nil, roles: ["user"]))
            #expect(user.roles == ["user"])

            let roles = ["admin", "客服", "quote\"and\\slash", "user"]
            let updated = try #require(try await store.setRoles(roles, for: user.id))
            #expect(updated.roles == roles)
            #expect(updated.updatedAt >= user.updatedAt)
            #expect(updated.createdAt == user.createdAt)
            #expect(try await store.find(.id(user.id)) == updated)

            let cleared = try #require(try await store.setRoles([], for: user.id))
            #expect(cleared.roles.isEmpty)
            #expect(try await store.find(.id(user.id))?.roles == [])
        }
    }

    @Test("status: disabled with and without an end, then active again", arguments: AccountStoreBackend.available)
    func status(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            let user = try await store.create(NewAccount(username: "status-\(tag.value)", passwordHash: nil))
            let until = Date(timeIntervalSince1970: 1_900_000_000.123)

            #expect(try await store.setStatus(.disabled(until: until, reason: "too many failed logins"), for: user.id))
            let disabled = try #require(try await store.find(.id(user.id)))
            #expect(disabled.status == .disabled(until: until, reason: "too many failed logins"))
            #expect(disabled.isDisabled(at: until.addingTimeInterval(-1)))
            #expect(!disabled.isDisabled(at: until.addingTimeInterval(1)))
            #expect(disabled.updatedAt >= user.updatedAt)

            #expect(try await store.setStatus(.disabled(until: nil, reason: nil), for: user.id))
            #expect(try await store.find(.id(user.id))?.status == .disabled(until: nil, reason: nil))

            #expect(try await store.setStatus(.active, for: user.id))
            #expect(try await store.find(.id(user.id))?.status == .active)
        }
    }

    @Test("password hash and e-mail and phone verification can be changed", arguments: AccountStoreBackend.available)
    func passwordAndVerification(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            let user = try await store.create(
                NewAccount(
                    username: "pw-\(tag.value)", email: "pw.\(tag.value)@example.com",
                    phone: "+44\(tag.digits)", passwordHash: "$md5x2$1a2b3c4d$00"))
            #expect(!user.emailVerified && !user.phoneVerified)

            #expect(try await store.setPasswordHash("$scrypt$ln=16,r=8,p=2$new$hash", for: user.id))
            #expect(try await store.setVerified(.email, true, for: user.id))
            let changed = try #require(try await store.find(.id(user.id)))
            #expect(changed.passwordHash == "$scrypt$ln=16,r=8,p=2$new$hash")
            #expect(changed.emailVerified)
            #expect(changed.updatedAt >= user.updatedAt)

            #expect(changed.phoneVerified == false)

            #expect(try await store.setVerified(.phone, true, for: user.id))
            let phoneToo = try #require(try await store.find(.id(user.id)))
            #expect(phoneToo.phoneVerified && phoneToo.emailVerified)

            #expect(try await store.setVerified(.email, false, for: user.id))
            let emailUnset = try #require(try await store.find(.id(user.id)))
            #expect(!emailUnset.emailVerified && emailUnset.phoneVerified)
            #expect(try await store.setVerified(.phone, false, for: user.id))
            #expect(try await store.find(.phone("+44\(tag.digits)"))?.phoneVerified == false)
        }
    }

    @Test(
        "search matches parts of any identifier, in creation order, up to the limit",
        arguments: AccountStoreBackend.available)
    func search(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            var created: [User] = []
            for index in 1...3 {
                created.append(
                    try await store.create(
                        NewAccount(
                            username: "s\(index)-\(tag.value)", email: "s\(index).\(tag.value)@Example.org",
                            phone: "+49\(index)\(tag.digits)", passwordHash: nil)))
            }
            #expect(try await store.search(tag.value, limit: 10) == created)
            #expect(try await store.search(tag.value.uppercased(), limit: 10) == created)
            #expect(try await store.search(tag.value, limit: 2) == Array(created.prefix(2)))
            #expect(try await store.search(tag.value, limit: 0) == [])
            #expect(try await store.search("s2.\(tag.value)@example", limit: 10) == [created[1]])
            #expect(try await store.search("9\(3)\(tag.digits)", limit: 10) == [created[2]])
            // LIKE wildcards in the query are literal characters.
            #expect(try await store.search("s_-\(tag.value)", limit: 10) == [])
            #expect(try await store.search("s%\(tag.value)", limit: 10) == [])
            #expect(try await store.search("", limit: 1).count == 1)
        }
    }

    @Test("unknown ids find nothing and change nothing", arguments: AccountStoreBackend.available)
    func missingAccounts(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            let tag = UniqueTag()
            let missing = "missing-\(tag.value)"
            #expect(try await store.find(.id(missing)) == nil)
            #expect(try await store.find(.username(missing)) == nil)
            #expect(try await store.find(.email("\(missing)@example.com")) == nil)
            #expect(try await store.find(.phone("+0\(tag.digits)")) == nil)
            #expect(try await store.setPasswordHash("hash", for: missing) == false)
            #expect(try await store.setRoles(["admin"], for: missing) == nil)
            #expect(try await store.setStatus(.disabled(until: nil, reason: nil), for: missing) == false)
            #expect(try await store.setVerified(.email, true, for: missing) == false)
            #expect(try await store.setVerified(.phone, true, for: missing) == false)
        }
    }

    @Test(
        "a second store on the same database migrates again harmlessly and shares the accounts",
        arguments: AccountStoreBackend.available)
    func reopen(backend: AccountStoreBackend) async throws {
        try await backend.withDatabase { open async throws in
            let tag = UniqueTag()
            let first = try await open()
            let user = try await first.create(NewAccount(username: "twice-\(tag.value)", passwordHash: nil))
            let second = try await open()
            try await second.ping()
            #expect(try await second.find(.username("twice-\(tag.value)")) == user)
            await #expect(throws: AccountStoreError.conflict(.username)) {
                try await second.create(NewAccount(username: "TWICE-\(tag.value)", passwordHash: nil))
            }
            try await second.close()
            #expect(try await first.find(.id(user.id)) == user)
        }
    }

    @Test(
        "two stores opening one new database at the same moment both succeed", arguments: AccountStoreBackend.available)
    func simultaneousOpen(backend: AccountStoreBackend) async throws {
        try await backend.withDatabase { open async throws in
            async let first = open()
            async let second = open()
            let stores = try await [first, second]
            for store in stores { try await store.ping() }
        }
    }

    @Test("a closed store answers unavailable", arguments: AccountStoreBackend.available)
    func closed(backend: AccountStoreBackend) async throws {
        try await backend.withStore { store async throws in
            try await store.ping()
            try await store.close()
            await #expect {
                try await store.find(.id("anything"))
            } throws: { error in
                if case .unavailable = error as? AccountStoreError { return true }
                return false
            }
        }
    }
}
