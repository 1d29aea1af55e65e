import Hummingbird

/// One route: its method, path pattern and handler, and whether it writes (writes need the bearer token).
struct Route: Sendable {
    typealias Handler = @Sendable (Request, BasicRequestContext) async throws -> Response

    let method: HTTPRequest.Method
    let path: String
    let writes: Bool
    let handler: Handler

    init(_ method: HTTPRequest.Method, _ path: String, writes: Bool = false, handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.writes = writes
        self.handler = handler
    }
}

/// The routes of one concern (search, documents, service, files), registered by ``buildRouter(server:)``.
protocol RouteGroup {
    var routes: [Route] { get }
}
