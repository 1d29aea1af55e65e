import HanSearch

/// The answer to `GET /search`. The hits are ``SearchHit``s encoded exactly as `hanindex search --json`
/// prints them.
public struct SearchResponse: Codable, Sendable, Equatable {
    /// The query as given.
    public var query: String
    /// The exact number of matching segments.
    public var total: Int
    /// Time spent searching, in milliseconds.
    public var tookMilliseconds: Double
    /// The requested page of hits.
    public var hits: [SearchHit]
    /// `true` when shards were down and `partial=true` was asked: the hits and total cover the live shards only.
    public var partial: Bool?
    /// With ``partial``: the shards whose matches are missing.
    public var missingShards: [String]?
    /// With `facets=`: all matching segments counted per source and/or year.
    public var facets: FacetCounts?

    /// Creates a response.
    public init(query: String, total: Int, tookMilliseconds: Double, hits: [SearchHit]) {
        self.query = query
        self.total = total
        self.tookMilliseconds = tookMilliseconds
        self.hits = hits
    }

    enum CodingKeys: String, CodingKey {
        case query, total, tookMilliseconds = "took_ms", hits, partial, missingShards = "missing_shards", facets
    }
}

/// The answer to `GET /documents/{id}`: a document reassembled from its segments in reading order.
public struct DocumentResponse: Codable, Sendable, Equatable {
    /// The document id.
    public var id: String
    /// The title.
    public var title: String
    /// The date, if known.
    public var date: String?
    /// The source, if known.
    public var source: String?
    /// The segments, exactly as stored.
    public var segments: [Segment]
    /// With `?q=`: for each segment the query matches, its whole text as HTML with the matches in `<mark>`.
    public var highlights: [String: String]?

    /// Creates a response.
    public init(id: String, title: String, date: String?, source: String?, segments: [Segment],
                highlights: [String: String]? = nil) {
        self.id = id
        self.title = title
        self.date = date
        self.source = source
        self.segments = segments
        self.highlights = highlights
    }
}

/// The answer to `POST /documents`.
public struct WriteResponse: Codable, Sendable, Equatable {
    /// How many reports were added or replaced.
    public var indexed: Int
    /// How many segments they were cut into.
    public var segments: Int
    /// Their ids, in input order.
    public var ids: [String]
    /// Time from receiving the body to the commit, in milliseconds.
    public var tookMilliseconds: Double

    /// Creates a response.
    public init(indexed: Int, segments: Int, ids: [String], tookMilliseconds: Double) {
        self.indexed = indexed
        self.segments = segments
        self.ids = ids
        self.tookMilliseconds = tookMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case indexed, segments, ids, tookMilliseconds = "took_ms"
    }
}

/// The answer to `DELETE /documents/{id}`.
public struct DeleteResponse: Codable, Sendable, Equatable {
    /// The deleted document's id.
    public var deleted: String
    /// How many segments were removed.
    public var segments: Int

    /// Creates a response.
    public init(deleted: String, segments: Int) {
        self.deleted = deleted
        self.segments = segments
    }
}

/// The answer to `GET /health`.
public struct HealthResponse: Codable, Sendable, Equatable {
    /// `ok`.
    public var status: String

    /// Creates a response.
    public init(status: String) {
        self.status = status
    }
}
