import HanSearch

/// The answer to `GET /search`. The hits are ``SearchHit``s encoded exactly as `hanindex search --json`
/// prints them, plus the document's `date` when the hit itself does not carry one.
public struct SearchResponse: Codable, Sendable, Equatable {
    /// The query as given.
    public var query: String
    /// The exact number of matching segments.
    public var total: Int
    /// Time spent searching, in milliseconds.
    public var tookMilliseconds: Double
    /// The requested page of hits.
    public var hits: [SearchHit]
    /// The date of each hit's document, by position in ``hits`` (nil when undated).
    public var dates: [String?]

    /// Creates a response; `dates` are by position in `hits`.
    public init(query: String, total: Int, tookMilliseconds: Double, hits: [SearchHit], dates: [String?]) {
        self.query = query
        self.total = total
        self.tookMilliseconds = tookMilliseconds
        self.hits = hits
        self.dates = dates
    }

    enum CodingKeys: String, CodingKey {
        case query, total, tookMilliseconds = "took_ms", hits
    }

    /// A hit encoded as it is, with `date` added to the same object.
    private struct DatedHit: Codable {
        var hit: SearchHit
        var date: String?
        enum Key: String, CodingKey { case date }

        init(hit: SearchHit, date: String?) {
            self.hit = hit
            self.date = date
        }

        init(from decoder: Decoder) throws {
            hit = try SearchHit(from: decoder)
            date = try decoder.container(keyedBy: Key.self).decodeIfPresent(String.self, forKey: .date)
        }

        func encode(to encoder: Encoder) throws {
            try hit.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(date, forKey: .date)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        query = try container.decode(String.self, forKey: .query)
        total = try container.decode(Int.self, forKey: .total)
        tookMilliseconds = try container.decode(Double.self, forKey: .tookMilliseconds)
        let dated = try container.decode([DatedHit].self, forKey: .hits)
        hits = dated.map(\.hit)
        dates = dated.map(\.date)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(query, forKey: .query)
        try container.encode(total, forKey: .total)
        try container.encode(tookMilliseconds, forKey: .tookMilliseconds)
        try container.encode(zip(hits, dates).map { DatedHit(hit: $0, date: $1) }, forKey: .hits)
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
}

/// The answer to `GET /health`.
public struct HealthResponse: Codable, Sendable, Equatable {
    /// `ok`.
    public var status: String
}
