import Foundation
import HanSearch

// The steps that turn the model's results into the API's answers, shared by the HTTP routes (HanServe)
// and the MCP tools (HanMCP), so that both answer with the same JSON.

extension SearchResponse {
    /// The answer for `results`; `missingShards` names the shards left out of a partial answer.
    public init(results: SearchResults, tookMilliseconds: Double, missingShards: [String] = []) {
        self.init(query: results.query, total: results.total, tookMilliseconds: tookMilliseconds, hits: results.hits)
        facets = results.facets
        if !missingShards.isEmpty {
            partial = true
            self.missingShards = missingShards
        }
    }
}

extension DocumentResponse {
    /// Reassembles document `id` from its segments in reading order, nil when the index has none.
    /// With `highlighting`, each segment the query matches is added whole as HTML with the matches in `<mark>`.
    public static func read(id: String, highlighting query: String?, in index: SearchIndex) throws -> DocumentResponse? {
        let segments = try index.segments(ofDocument: id)
        guard let first = segments.first else { return nil }
        var highlights: [String: String]?
        if let query {
            // Snippets longer than the longest segment are the whole segment, highlighted.
            let options = SearchOptions(limit: segments.count, document: id,
                                        snippetLength: segments.map(\.text.unicodeScalars.count).max() ?? 0)
            let hits = try index.search(query, options: options).hits
            highlights = Dictionary(hits.map { ($0.id, $0.snippet) }, uniquingKeysWith: { first, _ in first })
        }
        return DocumentResponse(id: id, title: first.title, date: first.date, source: first.source,
                                segments: segments, highlights: highlights)
    }
}

extension WriteResponse {
    /// The answer for `changes` once committed, `counts` being the segments each added or removed (as
    /// ``ShardedWriter/applyAtomically(_:)`` returns them): the reports and articles added, their segments
    /// and their ids in input order; the deletions of a page's stale articles are not counted.
    public init(changes: [IndexChange], counts: [Int], tookMilliseconds: Double) {
        let ids = IndexChange.addedIDs(changes)
        let segments = zip(changes, counts).reduce(0) { sum, pair in
            switch pair.0 {
            case .add, .addArticle: sum + pair.1
            case .delete, .deleteArticles: sum
            }
        }
        self.init(indexed: ids.count, segments: segments, ids: ids, tookMilliseconds: tookMilliseconds)
    }
}

extension ReportBatch {
    /// Why a batch with `problems` was refused as a whole, naming the first bad record (all of them
    /// go with it, as `records`).
    public static func refusal(_ problems: [RecordProblem]) -> String {
        let first = problems.first?.description ?? ""
        return "\(problems.count) invalid record\(problems.count == 1 ? "" : "s"); nothing was indexed. "
            + (problems.count == 1 ? first : "The first: \(first)")
    }
}

/// The API's JSON encoding: sorted keys, slashes as they are.
public enum APIJSON {
    /// The encoder every answer goes through.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// The time since `start`, in milliseconds (the answers' `took_ms`).
public func milliseconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    let (seconds, attoseconds) = elapsed.components
    return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
}
