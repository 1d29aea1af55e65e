import Foundation
internal import Xapian

/// One document (report or article) of an index, as a listing shows it.
public struct DocumentSummary: Codable, Sendable, Equatable {
    /// The document id.
    public var id: String
    /// The document (or article) title.
    public var title: String
    /// How many segments the index holds of it.
    public var segments: Int
    /// The document's date, `YYYY-MM-DD`, if known.
    public var date: String?
    /// The document's source, if known.
    public var source: String?

    /// Creates a summary.
    public init(id: String, title: String, segments: Int, date: String? = nil, source: String? = nil) {
        self.id = id
        self.title = title
        self.segments = segments
        self.date = date
        self.source = source
    }
}

/// A page of the documents an index holds.
public struct DocumentList: Codable, Sendable, Equatable {
    /// How many documents the whole index holds.
    public var total: Int
    /// The requested page, in index order.
    public var documents: [DocumentSummary]

    /// Creates a list.
    public init(total: Int, documents: [DocumentSummary]) {
        self.total = total
        self.documents = documents
    }
}

extension SearchIndex {
    /// The documents of the index in index order (by the first of their segments stored), skipping
    /// `offset` and returning at most `limit` (nil: all the rest).
    ///
    /// Xapian collapses the segments on the value slot holding the document id while it walks them,
    /// so a page costs one pass over the segments before it, never a read of every document.
    public func documents(offset: Int = 0, limit: Int? = nil) throws(HanSearchError) -> DocumentList {
        try withRetryOnModification {
            let enquire = enquire(.matchAll)
            enquire.useBoolWeight()
            enquire.collapse(onValueIn: Schema.documentSlot)
            let matches = try enquire.mset(offset: max(0, offset), limit: max(0, limit ?? Int(UInt32.max)),
                                           includeData: false, valueSlot: Schema.dataSlot)
            let decoder = JSONDecoder()
            // Title, date and source are the document's, so any one segment carries them.
            let documents = try matches.map { match -> DocumentSummary in
                let segment = try self.segment(stored: match.value, decoder: decoder)
                return DocumentSummary(id: segment.doc, title: segment.title,
                                       segments: try count(.term(Schema.documentTerm(segment.doc))),
                                       date: segment.date, source: segment.source)
            }
            return DocumentList(total: try visibleCounts().documents, documents: documents)
        }
    }
}

extension ShardedWriter {
    /// How many segments document `id` has in its shard, uncommitted changes included; 0 when it has none.
    public func segmentCount(ofDocument id: String) throws(HanSearchError) -> Int {
        let writer = writer(forDocument: id)
        return try writer.segmentCount(ofDocument: id)
    }
}
