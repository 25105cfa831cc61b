import Hummingbird
import Synchronization

/// The paths and methods the app serves, recorded as routes are added, so an unknown method
/// on a known path can be told from an unknown path (405 rather than 404).
final class RouteTable: Sendable {
    private let entries = Mutex<[(segments: [Substring], method: HTTPRequest.Method)]>([])

    func record(_ path: String, _ method: HTTPRequest.Method) {
        let segments = path.split(separator: "/")
        entries.withLock { $0.append((segments, method)) }
    }

    func methods(forPath path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/")
        return entries.withLock { entries in
            Set(entries.filter { Self.matches($0.segments, segments) }.map(\.method))
        }
    }

    private static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count && zip(pattern, path).allSatisfy { $0.hasPrefix("{") || $0.hasPrefix(":") || $0 == $1 }
    }
}

extension RouterGroup where Context == TesseraRequestContext {
    /// Adds a route under its full path and records it in `table`. Groups are made with
    /// `router.group()` (no prefix) so the path written here is the path served.
    @discardableResult
    func route(
        _ method: HTTPRequest.Method, _ path: String, in table: RouteTable,
        use handler: @escaping @Sendable (Request, Context) async throws -> Response
    ) -> Self {
        table.record(path, method)
        return on(RouterPath(path), method: method, use: handler)
    }
}
