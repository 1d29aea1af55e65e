import Foundation
import HanSearch
import Hummingbird
import NIOCore

/// `GET /health`, `/stats` and `/metrics`: for monitors rather than people.
struct ServiceRoutes: RouteGroup {
    let server: HanServer

    var routes: [Route] {
        [Route(.get, "/health", handler: health), Route(.get, "/stats", handler: stats), Route(.get, "/metrics", handler: metrics)]
    }

    @Sendable func health(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard await server.writer.isOpen else { throw APIError.unavailable("the server is shutting down") }
        return JSONResponse.make(HealthResponse(status: "ok"))
    }

    @Sendable func stats(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        JSONResponse.make(try await server.stats())
    }

    /// Writes out the registry: no index read (the index gauges follow commits).
    @Sendable func metrics(_ request: Request, _ context: BasicRequestContext) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: server.metrics.exposition())))
    }

}
