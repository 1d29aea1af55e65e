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
        let started = ContinuousClock.now
        let answer = try await server.read { index in
            try index.search(parameters.query, options: parameters.options, allowPartial: parameters.allowPartial)
        }
        let results = answer.results
        var response = SearchResponse(query: results.query, total: results.total,
                                      tookMilliseconds: milliseconds(since: started), hits: results.hits)
        response.facets = results.facets
        if !answer.missingShards.isEmpty {
            response.partial = true
            response.missingShards = answer.missingShards.map(\.description)
        }
        return JSONResponse.make(response)
    }
}
