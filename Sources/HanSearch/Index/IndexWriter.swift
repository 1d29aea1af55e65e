import Foundation
internal import Xapian

/// Writes reports into an index: one Xapian document per segment (see ``Schema``).
///
/// Re-adding a report replaces it: its segments are replaced by their unique id terms, and segments
/// that the new version no longer has are deleted. A bulk-built index has no term list, so there the
/// new segments are added and the old ones listed as deleted (``DeletedSegments``). A report added
/// again exactly as the index holds it is left alone (``unchangedReports``).
/// Nothing is visible to readers until ``commit()``, and a commit is atomic, so an interrupted run
/// leaves the index at its last commit. Not thread-safe: use one writer from one task.
public final class IndexWriter {
    /// The index folder.
    public let path: String
    /// How bodies are cut into segments.
    public let segmenter: Segmenter
    /// How the index folds characters, as recorded in it (see ``Folding``).
    public let folding: Folding
    let database: WritableDatabase
    private let builder: SegmentDocumentBuilder
    /// Reads the segment data the index holds, for ``holds(_:at:)``.
    private let decoder: SegmentDataDecoder
    /// For an index without a term list: the segments replaced or deleted so far, as its metadata lists them.
    private var deleted: DeletedSegments?
    /// Reports added or deleted since the last commit.
    public internal(set) var pendingChanges = 0
    /// Reports added again exactly as the index holds them, and so left alone, since the writer opened.
    public private(set) var unchangedReports = 0
    /// The gate that this process's searches hold commits back with, if they share one (see ``CommitGate``).
    public var commitGate: CommitGate?

    /// Opens the index at `path` for writing, creating it if needed.
    ///
    /// A new index gets `folding` (``Folding/none`` when nil); an existing one keeps the folding it was
    /// built with, and asking for another is ``HanSearchError/foldingMismatch(path:found:requested:)``.
    /// Throws ``HanSearchError/indexLocked(path:)`` when another process writes to it, and
    /// ``HanSearchError/analyzerMismatch(path:found:expected:)`` when it was built by another analyzer.
    public convenience init(path: String, segmenter: Segmenter = Segmenter(),
                            folding: Folding? = nil) throws(HanSearchError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .io(error, path: path)
        }
        let database = try HanSearchError.catching(path: path, action: "opening the index for writing") {
            try Schema.openForWriting(path, mode: .createOrOpen)
        }
        try self.init(path: path, segmenter: segmenter, database: database, folding: folding)
        if Schema.lacksTermList(path) { try loadDeletedSegments() }
    }

    /// Writes into `database` (a local folder or a remote shard, named `path` in messages), stamping an
    /// empty one with the analyzer version and `folding`, and refusing one built by another analyzer or
    /// with another folding than `folding` (nil: whichever it has).
    init(path: String, segmenter: Segmenter, database: WritableDatabase, folding: Folding?) throws(HanSearchError) {
        self.path = path
        self.segmenter = segmenter
        (self.database, self.folding) = try HanSearchError.catching(path: path, action: "opening the index for writing") {
            let recorded = try Schema.recordedFolding(analyzer: database.metadata(Schema.analyzerVersionKey),
                                                      fold: database.metadata(Schema.foldingKey),
                                                      documents: database.documentCount(), path: path)
            guard let recorded else {
                let chosen = folding ?? .none
                try Schema.stamp(database, folding: chosen)
                return (database, chosen)
            }
            if let folding, folding != recorded {
                throw HanSearchError.foldingMismatch(path: path, found: recorded, requested: folding)
            }
            return (database, recorded)
        }
        let dictionary = try HanSearchError.catching(path: path, action: "reading the index's data dictionary") {
            try DataDictionary.stored(in: database)
        }
        builder = SegmentDocumentBuilder(folding: self.folding, dictionary: dictionary)
        decoder = SegmentDataDecoder(dictionaries: dictionary.map { [$0] } ?? [])
    }

    /// Adds or replaces `report`. Returns the number of segments it was cut into.
    @discardableResult
    public func add(_ report: Report) throws(HanSearchError) -> Int {
        try replace(documentID: report.id, with: segmenter.segments(of: report))
    }

    /// Adds or replaces the articles of a newspaper page read from the file `fileID`: article `n` gets
    /// the document id `<fileID>/<n>`, stable when the same file is indexed again. Articles that an
    /// earlier version of the page had beyond the new count are deleted. Returns the article ids.
    @discardableResult
    public func add(page: Page, fileID: String) throws(HanSearchError) -> [String] {
        let changes = IndexChange.changes(forPage: page, fileID: fileID)
        for change in changes { _ = try apply(change) }
        return IndexChange.addedIDs(changes)
    }

    /// Replaces the segments of document `id` with `segments` (by their unique id terms) and deletes
    /// the segments the document had beyond them. Returns the number of segments.
    func replace(documentID id: String, with segments: [Segment]) throws(HanSearchError) -> Int {
        let unchanged = try HanSearchError.catching(path: path, action: "indexing \(id)") {
            let previous = try livePostings(ofDocument: id)
            if try holds(segments, at: previous) { return true }
            let documents = segments.map(builder.document(for:))
            if deleted != nil {
                for document in documents { _ = try database.addDocument(document) }
                try markDeleted(previous)
                return false
            }
            var kept = Set<UInt32>()
            for (segment, document) in zip(segments, documents) {
                kept.insert(try database.replaceDocument(uniqueTerm: Schema.segmentTerm(segment.id), with: document))
            }
            for docid in previous where !kept.contains(docid) {
                try database.deleteDocument(docid)
            }
            return false
        }
        if unchanged { unchangedReports += 1 } else { pendingChanges += 1 }
        return segments.count
    }

    /// Whether the documents at `docids` are exactly `segments`: the same stored data, which determines
    /// a segment's terms and values. Re-running a file then rewrites nothing of what it already holds
    /// (nor tokenizes it), and a bulk-built index lists nothing as deleted for it.
    private func holds(_ segments: [Segment], at docids: [UInt32]) throws -> Bool {
        guard docids.count == segments.count, !docids.isEmpty else { return false }
        let stored = try docids.map { try decoder.json(database.document($0).value(slot: Schema.dataSlot)) }.sorted { $0.lexicographicallyPrecedes($1) }
        return stored == segments.map(builder.data(for:)).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// How many segments document `id` has in this index, committed or not.
    func segmentCount(ofDocument id: String) throws(HanSearchError) -> Int {
        try HanSearchError.catching(path: path, action: "reading \(id)") { try livePostings(ofDocument: id).count }
    }

    /// The segments of document `id`, committed or not, without those listed as deleted.
    private func livePostings(ofDocument id: String) throws -> [UInt32] {
        let postings = try database.postings(Schema.documentTerm(id))
        guard let deleted else { return postings }
        return postings.filter { !deleted.contains($0) }
    }

    /// Lists `docids` as deleted, in memory and in the pending metadata.
    private func markDeleted(_ docids: [UInt32]) throws {
        guard var list = deleted, !docids.isEmpty else { return }
        for docid in docids { list.insert(docid) }
        try database.setMetadata(list.encoded, forKey: Schema.deletedKey)
        deleted = list
    }

    /// Reads the list of deleted segments as the database holds it, pending changes included.
    private func loadDeletedSegments() throws(HanSearchError) {
        let encoded = try HanSearchError.catching(path: path, action: "reading the list of deleted segments") {
            try database.metadata(Schema.deletedKey)
        }
        deleted = try DeletedSegments(encoded: encoded)
    }

    /// After a cancelled batch: the list goes back to what the database holds without it. Should that
    /// read fail, the list is dropped, so that later changes fail (Xapian cannot replace without a term
    /// list) instead of hiding the wrong segments.
    func rereadDeletedSegments() {
        guard deleted != nil else { return }
        if (try? loadDeletedSegments()) == nil { deleted = nil }
    }

    /// Deletes the document `id` and all its segments. Returns how many segments were removed.
    @discardableResult
    public func delete(documentID id: String) throws(HanSearchError) -> Int {
        let count = try HanSearchError.catching(path: path, action: "deleting \(id)") {
            let previous = try livePostings(ofDocument: id)
            if deleted != nil {
                try markDeleted(previous)
            } else if !previous.isEmpty {
                try database.deleteDocuments(term: Schema.documentTerm(id))
            }
            return previous.count
        }
        if count > 0 { pendingChanges += 1 }
        return count
    }

    /// Makes every change since the last commit durable and visible to readers, atomically.
    public func commit() throws(HanSearchError) {
        try HanSearchError.catching(path: path, action: "committing") {
            let now = ISO8601DateFormatter().string(from: Date())
            try database.setMetadata(now, forKey: Schema.lastCommitKey)
            try gated { try database.commit() }
        }
        pendingChanges = 0
    }

    /// Runs the commit `body` through ``commitGate``, when there is one.
    func gated(_ body: () throws -> Void) throws {
        if let commitGate { try commitGate.committing(body) } else { try body() }
    }

    /// Closes the index. Xapian commits pending changes made outside a transaction when it closes.
    public func close() throws(HanSearchError) {
        try HanSearchError.catching(path: path, action: "closing") { try database.close() }
    }

}

/// Turns segments into Xapian documents laid out as ``Schema`` describes. Not thread-safe: one per thread.
struct SegmentDocumentBuilder {
    /// The index's folding, applied to text and title terms.
    let folding: Folding
    /// Compresses the data with the index's dictionary; nil for an index that has none.
    private let compressor: SegmentDataCompressor?

    init(folding: Folding, dictionary: DataDictionary?) {
        self.folding = folding
        compressor = dictionary.map(SegmentDataCompressor.init(dictionary:))
    }

    /// The data of `segment` before compression: its ``StoredSegment`` JSON.
    func data(for segment: Segment) -> [UInt8] {
        StoredSegment.json(for: segment)
    }

    /// The Xapian document for one segment: its JSON (compressed) in ``Schema/dataSlot``, text and title
    /// terms, id terms, date, document id and source, and for a document's first segment its title terms
    /// with positions.
    func document(for segment: Segment) -> Document {
        let document = Document()
        let json = data(for: segment)
        document.setValue(compressor?.compress(json) ?? json, slot: Schema.dataSlot)
        var batch = TermBatch(reservingCapacity: segment.text.utf8.count)
        Tokenizer.forEachToken(in: segment.text, folding: folding) { token in
            batch.append(token.term, position: Schema.storedPosition(of: token))
        }
        let withPositions = segment.ordinal == Schema.titleOrdinal
        Tokenizer.forEachToken(in: segment.title, folding: folding) { token in
            batch.append(Schema.titlePrefix + token.term)
            if withPositions {
                batch.append(Schema.titlePhrasePrefix + token.term,
                             position: Schema.storedPosition(of: token), weighs: false)
            }
        }
        document.addTerms(batch)
        document.addBooleanTerm(Schema.segmentTerm(segment.id))
        document.addBooleanTerm(Schema.documentTerm(segment.doc))
        if let date = segment.date { document.setValue(date, slot: Schema.dateSlot) }
        document.setValue(segment.doc, slot: Schema.documentSlot)
        if let source = segment.source { document.setValue(source, slot: Schema.sourceSlot) }
        return document
    }
}
