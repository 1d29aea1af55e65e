import Foundation
import HanSearch
import Hummingbird

/// `GET /search`.
struct SearchRoutes: RouteGroup {
    let server: HanServer
    var configuration: ServerConfiguration { server.configuration }

    var routes: [Route] { [Route(.get, "/search", handler: search)] }

    @Sendable func search(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let parameters = try SearchParameters(rawQuery: request.uri.query, configuration: configuration)
        return JSONResponse.make(try await server.search(parameters.query, options: parameters.options,
                                                         allowPartial: parameters.allowPartial))
    }
}
