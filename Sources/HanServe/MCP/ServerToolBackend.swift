import Foundation
import HanAPI
import HanMCP
import HanSearch
import Hummingbird
import MCP

/// The MCP tools on the server: the same operations as the JSON API's routes, through the reader pool
/// and the writer actor, with the API's limits; the writing tools need the bearer token of `POST /documents`.
struct ServerToolBackend: SearchBackend {
    let server: HanServer

    var limits: SearchLimits {
        SearchLimits(maximumQueryLength: server.configuration.maximumQueryLength,
                     maximumLimit: server.configuration.maximumLimit, maximumOffset: server.configuration.maximumOffset)
    }

    var offersWrites: Bool { true }

    func search(_ query: String, options: SearchOptions) async throws -> SearchResponse {
        try await server.search(query, options: options)
    }

    func document(id: String, highlight: String?) async throws -> DocumentResponse {
        try await server.document(id: id, highlighting: highlight)
    }

    func add(_ reports: [Report]) async throws -> WriteResponse {
        try await server.add(reports.map { .add($0) })
    }

    func delete(id: String) async throws -> DeleteResponse {
        try await server.delete(id: id)
    }

    func stats() async throws -> Value {
        try Value(json: try await server.stats())
    }

    /// The check of ``BearerAuthMiddleware``, on the HTTP request that carried the call.
    func authorizeWrite(_ request: MCP.HTTPRequest?) throws {
        guard let token = server.configuration.token else { return }
        try BearerAuthMiddleware<BasicRequestContext>.check(request?.header("Authorization") ?? "", token: token)
    }
}
