/// The registered CAS services, and the one question asked of them: which service, if any,
/// does this `service` parameter belong to?
///
/// ```swift
/// let registry = ServiceRegistry([try CASService(id: "shop", serviceURL: "https://shop.example/app", singleLogout: true)])
/// if let match = registry.match("https://shop.example/app/cart") { redirect(to: match.url.text) }
/// ```
public struct ServiceRegistry: Sendable {
    public let services: [CASService]

    /// A registered service and the service URL that matched it.
    public struct Match: Sendable, Equatable {
        public var service: CASService
        public var url: ServiceURL
    }

    public init(_ services: [CASService]) {
        self.services = services
    }

    /// The service whose origin and path prefix `rawService` lies under; the longest prefix
    /// wins when several do. Nil for anything the strict parser refuses.
    public func match(_ rawService: String) -> Match? {
        guard let url = ServiceURL(rawService) else { return nil }
        let candidates = services.filter { url.isUnder($0.base) }
        guard let best = candidates.max(by: { $0.base.path.count < $1.base.path.count }) else { return nil }
        return Match(service: best, url: url)
    }
}
