// swift-tools-version:6.2
// The Hummingbird peer of bench/peers/hummingbird.sh: hummingbird-auth's SessionMiddleware on
// RESPHummingbird's RedisPersistDriver. A package of its own, so that the main package's build
// and tests never build it.
import PackageDescription

let package = Package(
    name: "session-peer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tessera", path: "../../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        .executableTarget(
            name: "SessionPeer",
            dependencies: [
                .product(name: "RESPHummingbird", package: "tessera"),
                .product(name: "RESP", package: "tessera"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
            ]
        ),
    ]
)
