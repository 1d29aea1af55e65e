import Foundation
import HanAPI
import HanSearch

// What the routes do once their input is read: shared by the JSON API's routes and the MCP tools
// (``ServerToolBackend``), so that both answer the same, through the same reader pool and writer actor.
extension HanServer {
    /// `GET /search`.
    func search(_ query: String, options: SearchOptions, allowPartial: Bool = false) async throws -> SearchResponse {
        let started = ContinuousClock.now
        let answer = try await read { index in
            try index.search(query, options: options, allowPartial: allowPartial)
        }
        return SearchResponse(results: answer.results, tookMilliseconds: milliseconds(since: started),
                              missingShards: answer.missingShards.map(\.description))
    }

    /// `GET /documents/{id}`, highlighting `query` when given; throws 404 for an unknown id.
    func document(id: String, highlighting query: String?) async throws -> DocumentResponse {
        let document = try await read { try DocumentResponse.read(id: id, highlighting: query, in: $0) }
        guard let document else { throw APIError.from(HanSearchError.documentNotFound(id: id)) }
        return document
    }

    /// `POST /documents` once its body is read into valid reports or a page's articles: answered after the commit.
    func add(_ changes: [IndexChange], started: ContinuousClock.Instant = .now) async throws -> WriteResponse {
        let counts = try await writer.submit(changes)
        let response = WriteResponse(changes: changes, counts: counts, tookMilliseconds: milliseconds(since: started))
        metrics.recordWrites(reports: response.indexed, deletions: 0)
        return response
    }

    /// `DELETE /documents/{id}`; throws 404 for an unknown id.
    func delete(id: String) async throws -> DeleteResponse {
        let counts = try await writer.submit([.delete(documentID: id)])
        guard let removed = counts.first, removed > 0 else {
            throw APIError.from(HanSearchError.documentNotFound(id: id))
        }
        metrics.recordWrites(reports: 0, deletions: 1)
        return DeleteResponse(deleted: id, segments: removed)
    }

    /// `GET /stats`.
    func stats() async throws -> StatsResponse {
        StatsResponse(index: try await read { try $0.totalStats() }, synonyms: synonyms.status, watch: watcher?.status)
    }
}
