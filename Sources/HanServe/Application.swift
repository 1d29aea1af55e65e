import Foundation
import HanSearch
import Hummingbird
import Logging

/// The application: the router, on `configuration.host:port`, with the writer as a service.
/// `onServerRunning` is called with the bound port once it listens.
public func buildApplication(configuration: ServerConfiguration, logger: Logger,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
    throws -> some ApplicationProtocol {
    let server = try HanServer.open(configuration: configuration, logger: logger)
    return Application(
        router: buildRouter(server: server),
        // Without an idle timeout, a connection that the HTTP layer refused (a request line over its size
        // limit: 400 and stop reading) stayed open for good, even after the client left: 20 such clients
        // held 20 descriptors. The timeout closes those and idle keep-alive connections alike.
        server: HTTPConnection.builder(idleTimeout: .seconds(configuration.idleTimeoutSeconds)),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "hanserve"),
        services: server.services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// The routes of the API and the search page, by concern, with security headers, logging, metrics and
/// JSON errors for every request, and the bearer token on the routes that write.
public func buildRouter(server: HanServer) -> Router<BasicRequestContext> {
    let groups: [any RouteGroup] = [FileRoutes(server: server), SearchRoutes(server: server),
                                    DocumentRoutes(server: server), ServiceRoutes(server: server),
                                    MCPRoutes(server: server)]
    let routes = groups.flatMap(\.routes)
    var table: [String: Set<HTTPRequest.Method>] = [:]
    for route in routes {
        table[route.path, default: []].insert(route.method)
        if route.method == .get { table[route.path, default: []].insert(.head) }
    }
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ObservabilityMiddleware(metrics: server.metrics))
    router.add(middleware: ErrorMiddleware(routes: RouteTable(table.map { ($0.key, $0.value) })))
    let writes = router.group().add(middleware: BearerAuthMiddleware(token: server.configuration.token))
    for route in routes {
        if route.writes {
            writes.on(RouterPath(route.path), method: route.method, use: route.handler)
        } else {
            router.on(RouterPath(route.path), method: route.method, use: route.handler)
        }
    }
    return router
}
