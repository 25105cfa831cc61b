extension RedisConfiguration {
    /// Reads `redis[s]://[[user]:password@]host[:port][,host[:port]…][/database][?timeout=…&connect_timeout=…&ca_file=…]`.
    ///
    /// Several comma-separated hosts name seed nodes of a Redis Cluster (see ``additionalSeeds``);
    /// whether the server is a cluster is asked of it, not told by the URL.
    ///
    /// User and password are percent-decoded (write `@` as `%40`, `:` in a user name as `%3A`).
    /// Timeouts are seconds, or carry a unit: `timeout=2`, `timeout=1.5s`, `timeout=250ms`; `timeout`
    /// sets ``commandTimeout`` and `connect_timeout` sets ``connectTimeout``.
    ///
    /// `rediss://` connects with TLS (``tls``) and verifies the server's certificate against the
    /// system's trusted roots, or against the PEM file named by `ca_file` (percent-encoded path)
    /// only. `server_name` names the host the certificate must carry when it is not the URL's
    /// (``tlsServerName``). There is no option to skip verification.
    ///
    /// `redis+sentinel://` (or `rediss+sentinel://`) names a primary managed by Redis Sentinel
    /// (``sentinel``): `redis+sentinel://[[user]:password@]host[:port][,host[:port]…]/master-name[/database][?…]`.
    /// The hosts are sentinels (port 26379 unless given) and the path names the master they monitor
    /// (percent-decoded). The user and password before `@` are still the data nodes'; the sentinels'
    /// own are `sentinel_password` and `sentinel_username` (percent-encoded), and without them the
    /// sentinels are asked without logging in. With `rediss+sentinel://` both the sentinels and the
    /// data nodes are reached over TLS, with the same `ca_file` and `server_name`.
    ///
    /// ```swift
    /// let configuration = try RedisConfiguration(url: "redis://:s3cret@127.0.0.1:6380/1?timeout=500ms")
    /// let secure = try RedisConfiguration(url: "rediss://:s3cret@cache.internal:6380?ca_file=/etc/redis/ca.pem")
    /// let managed = try RedisConfiguration(url: "redis+sentinel://:s3cret@10.0.0.1,10.0.0.2:26380/tessera/0?sentinel_password=s3ntinel")
    /// ```
    ///
    /// - Throws: ``RedisClientError/invalidURL(_:)`` saying which part is wrong. The message never
    ///   quotes the URL, so it cannot leak the password into a log.
    public init(url: String) throws {
        guard let separator = url.firstRange(of: "://") else {
            throw RedisClientError.invalidURL("expected redis://host[:port][/database]")
        }
        self.init()
        let scheme = url[..<separator.lowerBound].lowercased()
        switch scheme {
        case "redis", "redis+sentinel": break
        case "rediss", "rediss+sentinel": self.tls = .makeClientConfiguration()
        default:
            throw RedisClientError.invalidURL("the scheme must be redis://, rediss://, redis+sentinel:// or rediss+sentinel://")
        }
        if scheme.hasSuffix("+sentinel") {
            self.sentinel = RedisSentinelConfiguration(masterName: "", sentinels: [])
            self.port = RedisSentinelConfiguration.defaultPort
        }
        var rest = url[separator.upperBound...]
        // Credentials end at the last "@": nothing after them may contain one, so a password
        // holding "/", "?" or "@" still parses even when its writer forgot to escape it.
        if let at = rest.lastIndex(of: "@") {
            try self.readCredentials(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        if let mark = rest.firstIndex(of: "?") {
            try self.readOptions(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        if let slash = rest.firstIndex(of: "/") {
            if self.sentinel != nil {
                try self.readMasterAndDatabase(rest[rest.index(after: slash)...])
            } else {
                try self.readDatabase(rest[rest.index(after: slash)...])
            }
            rest = rest[..<slash]
        }
        let defaultPort = self.port
        let hosts = rest.split(separator: ",", omittingEmptySubsequences: false)
        try self.readHostAndPort(hosts[0])
        let first = (self.host, self.port)
        for seed in hosts.dropFirst() {
            self.port = defaultPort
            try self.readHostAndPort(seed)
            self.additionalSeeds.append(RedisEndpoint(host: self.host, port: self.port))
        }
        (self.host, self.port) = first
        if self.sentinel != nil { try self.settleSentinels() }
    }

    /// `master-name[/database]`, the path of a `redis+sentinel://` URL.
    private mutating func readMasterAndDatabase(_ path: Substring) throws {
        let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        self.sentinel?.masterName = try Self.percentDecoded(parts[0])
        if parts.count == 2 {
            guard !parts[1].contains("/") else {
                throw RedisClientError.invalidURL("only a database may follow the master name, as in redis+sentinel://host/mymaster/2")
            }
            try self.readDatabase(parts[1])
        }
    }

    /// The hosts of a `redis+sentinel://` URL are the sentinels, and it must name a master.
    private mutating func settleSentinels() throws {
        guard let masterName = self.sentinel?.masterName, !masterName.isEmpty else {
            throw RedisClientError.invalidURL("the master name is missing, as in redis+sentinel://host:26379/mymaster")
        }
        guard self.sentinel?.username == nil || self.sentinel?.password != nil else {
            throw RedisClientError.invalidURL("sentinel_username needs sentinel_password")
        }
        let sentinels = self.seeds
        self.sentinel?.sentinels = sentinels
        self.additionalSeeds = []
    }

    private mutating func readCredentials(_ userInfo: Substring) throws {
        guard let colon = userInfo.firstIndex(of: ":") else {
            throw RedisClientError.invalidURL("credentials must be written user:password@ or :password@")
        }
        let user = try Self.percentDecoded(userInfo[..<colon])
        let password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
        guard user.isEmpty || !password.isEmpty else {
            throw RedisClientError.invalidURL("a user name needs a password")
        }
        self.username = user.isEmpty ? nil : user
        self.password = password.isEmpty ? nil : password
    }

    private mutating func readHostAndPort(_ authority: Substring) throws {
        var host = authority
        var port: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else {
                throw RedisClientError.invalidURL("an IPv6 address must be closed by ]")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let tail = authority[authority.index(after: close)...]
            guard tail.isEmpty || tail.first == ":" else {
                throw RedisClientError.invalidURL("only a port may follow an IPv6 address")
            }
            port = tail.isEmpty ? nil : tail.dropFirst()
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { throw RedisClientError.invalidURL("the host is missing") }
        self.host = String(host)
        if let port {
            guard let number = Int(port), (1...65535).contains(number) else {
                throw RedisClientError.invalidURL("the port must be a number from 1 to 65535")
            }
            self.port = number
        }
    }

    private mutating func readDatabase(_ path: Substring) throws {
        guard !path.isEmpty else { return }
        guard let database = Int(path), database >= 0 else {
            throw RedisClientError.invalidURL("the database must be a number, as in redis://host/2")
        }
        self.database = database
    }

    private mutating func readOptions(_ query: Substring) throws {
        for option in query.split(separator: "&") {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0]
            if name == "ca_file" || name == "server_name" {
                try self.readTLSOption(name, parts.count == 2 ? parts[1] : "")
                continue
            }
            if name == "sentinel_username" || name == "sentinel_password" {
                try self.readSentinelCredential(name, parts.count == 2 ? parts[1] : "")
                continue
            }
            guard name == "timeout" || name == "connect_timeout" else {
                throw RedisClientError.invalidURL(
                    "unknown option; supported are timeout, connect_timeout, ca_file, server_name, sentinel_username and sentinel_password"
                )
            }
            guard parts.count == 2, let duration = Self.duration(parts[1]) else {
                throw RedisClientError.invalidURL("\(name) must be a positive duration such as 2, 1.5s or 250ms")
            }
            if name == "timeout" {
                self.commandTimeout = duration
            } else {
                self.connectTimeout = duration
            }
        }
    }

    private mutating func readTLSOption(_ name: Substring, _ value: Substring) throws {
        guard self.tls != nil else { throw RedisClientError.invalidURL("\(name) needs a rediss:// URL") }
        let decoded = try Self.percentDecoded(value)
        guard !decoded.isEmpty else { throw RedisClientError.invalidURL("\(name) must not be empty") }
        if name == "ca_file" {
            self.tls?.trustRoots = .file(decoded)
        } else {
            self.tlsServerName = decoded
        }
    }

    private mutating func readSentinelCredential(_ name: Substring, _ value: Substring) throws {
        guard self.sentinel != nil else { throw RedisClientError.invalidURL("\(name) needs a redis+sentinel:// URL") }
        let decoded = try Self.percentDecoded(value)
        guard !decoded.isEmpty else { throw RedisClientError.invalidURL("\(name) must not be empty") }
        if name == "sentinel_username" {
            self.sentinel?.username = decoded
        } else {
            self.sentinel?.password = decoded
        }
    }

    private static func duration(_ text: Substring) -> Duration? {
        let milliseconds = text.hasSuffix("ms")
        let number = milliseconds ? text.dropLast(2) : text.hasSuffix("s") ? text.dropLast() : text
        guard let value = Double(number), value.isFinite, value > 0 else { return nil }
        return .seconds(milliseconds ? value / 1000 : value)
    }

    private static func percentDecoded(_ text: Substring) throws -> String {
        let encoded = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var index = 0
        while index < encoded.count {
            guard encoded[index] == UInt8(ascii: "%") else {
                bytes.append(encoded[index])
                index += 1
                continue
            }
            guard index + 2 < encoded.count,
                let byte = UInt8(String(decoding: encoded[index + 1...index + 2], as: UTF8.self), radix: 16)
            else {
                throw RedisClientError.invalidURL("a % must be followed by two hexadecimal digits")
            }
            bytes.append(byte)
            index += 3
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw RedisClientError.invalidURL("credentials and paths must be UTF-8 once percent-decoded")
        }
        return decoded
    }
}
