import Foundation
internal import Xapian

/// How search results are ordered.
public enum ResultOrder: String, Sendable, Codable, CaseIterable {
    /// Best BM25 score first; ties in index order.
    case relevance
    /// Newest date first; ties by score.
    case date
}

/// What to search for, besides the query text.
public struct SearchOptions: Sendable, Equatable {
    /// How many hits to return.
    public var limit: Int
    /// How many hits to skip (paging through all matches in a stable order).
    public var offset: Int
    /// Only segments of this document.
    public var document: String?
    /// Only documents dated on or after this day (`YYYY-MM-DD`).
    public var from: String?
    /// Only documents dated on or before this day (`YYYY-MM-DD`).
    public var to: String?
    /// The order of hits.
    public var sort: ResultOrder
    /// Snippet length in characters; 0 for no snippet (hits then carry an empty one).
    public var snippetLength: Int
    /// The facets to count over all matches (see ``SearchResults/facets``).
    public var facets: [Facet] = []
    /// Only documents from this source.
    public var source: String?
    /// Only documents dated in this year, written `YYYY` (see ``Facet/isValidYear(_:)``).
    public var year: String?

    /// Creates search options; the defaults return the ten best hits.
    public init(limit: Int = 10, offset: Int = 0, document: String? = nil, from: String? = nil,
                to: String? = nil, sort: ResultOrder = .relevance, snippetLength: Int = 120) {
        self.limit = limit
        self.offset = offset
        self.document = document
        self.from = from
        self.to = to
        self.sort = sort
        self.snippetLength = snippetLength
    }
}

/// One matching segment.
public struct SearchHit: Codable, Sendable, Equatable {
    /// The segment id.
    public var id: String
    /// The document id.
    public var doc: String
    /// The document (or article) title.
    public var title: String
    /// The section heading the segment falls under, for newspaper articles.
    public var section: String?
    /// The segment's kind on its page (body, caption, heading, credit, banner), for newspaper articles.
    public var kind: SegmentKind?
    /// The document's date, `YYYY-MM-DD`, if known.
    public var date: String?
    /// The document's source, if known.
    public var source: String?
    /// The BM25 score.
    public var score: Double
    /// A window of the text around the matches, as HTML: text escaped, matches in `<mark>`.
    public var snippet: String
    /// The segment's whole text.
    public var text: String
    /// The page the segment starts on, for documents read from PDFs (an added field).
    public var page: Int?
}

/// The answer to a search.
public struct SearchResults: Codable, Sendable, Equatable {
    /// The query as given.
    public var query: String
    /// The exact number of matching segments.
    public var total: Int
    /// The requested page of hits.
    public var hits: [SearchHit]
    /// With ``SearchOptions/facets``: the matching segments counted per facet value.
    public var facets: FacetCounts?
}

/// A read-only view of an index that answers searches. Not thread-safe: one per task.
public final class SearchIndex {
    /// The index folder, or for a sharded index its shard list (see ``ShardList``).
    public let path: String
    /// The shards searched together (one local folder for an unsharded index).
    public let shards: ShardList
    /// Timeouts for remote shards.
    public let timeouts: RemoteTimeouts
    /// All shards as one database; replaced by ``reconnect()`` after a remote shard failed.
    var database: Database
    /// The query parser used by ``search(_:options:)``.
    public var parser = QueryParser()
    /// How much more a match in the title weighs than a match in the text.
    public var titleWeight = 2.0
    /// How the index folds characters, as recorded in it: queries are folded alike (see ``Folding``).
    public let folding: Folding
    /// Whether searches leave out the segments that updates of a bulk-built index listed as deleted
    /// (``DeletedSegments``). Xapian cannot send that part of a query to a remote shard; an index with
    /// remote shards is written by updates, which delete for real.
    let excludesDeleted: Bool
    /// Decompresses the segment data, with the dictionaries of the shards read so far.
    private let dataDecoder: SegmentDataDecoder

    /// Opens the index at `path` for reading and checks its analyzer version.
    public convenience init(path: String) throws(HanSearchError) {
        let database = try HanSearchError.catching(path: path, action: "opening the index") {
            try Database(path: path)
        }
        try self.init(database: database, shards: ShardList(path: path), timeouts: RemoteTimeouts())
    }

    /// Opens every shard of `shards` for reading as one index (see ``ShardList/openDatabase(timeouts:)``)
    /// and checks the analyzer version. Throws ``ShardsUnavailableError`` when a remote shard does not answer.
    public convenience init(shards: ShardList, timeouts: RemoteTimeouts = RemoteTimeouts()) throws {
        try self.init(database: try shards.openDatabase(timeouts: timeouts), shards: shards, timeouts: timeouts)
    }

    /// Wraps an open database of `shards`, checking its analyzer version.
    init(database: Database, shards: ShardList, timeouts: RemoteTimeouts) throws(HanSearchError) {
        let path = shards.description
        self.path = path
        self.shards = shards
        self.timeouts = timeouts
        self.database = database
        excludesDeleted = shards.shards.allSatisfy { if case .local = $0 { true } else { false } }
        let (found, fold, count, dictionary) = try HanSearchError.catching(path: path, action: "reading the index metadata") {
            (try database.metadata(Schema.analyzerVersionKey), try database.metadata(Schema.foldingKey),
             try database.documentCount(), try DataDictionary.stored(in: database))
        }
        // The metadata of shards searched together is the first shard's; the others' dictionaries are
        // read when a segment needs one (``segment(stored:decoder:)``).
        dataDecoder = SegmentDataDecoder(dictionaries: dictionary.map { [$0] } ?? [])
        folding = try Schema.recordedFolding(analyzer: found, fold: fold, documents: count, path: path) ?? .none
    }

    /// Moves to the latest commit. Returns whether anything changed.
    @discardableResult
    public func reopen() throws(HanSearchError) -> Bool {
        // A reopen racing a commit can also read a block the writer is rewriting, which Xapian reports as
        // corruption ("Expected block 260 to be level 1, not 0": 1 in 26,000 soak requests at 30% writes).
        // The last try holds commits back, so an index that is really damaged still fails.
        try withRetryOnModification(action: "reopening the index", retrying: SearchIndex.isTransientOnReopen) {
            try database.reopen()
        }
    }

    /// Whether a reopen that failed with `error` may be tried again: the revision it read was discarded,
    /// or a block it read was being rewritten.
    static func isTransientOnReopen(_ error: Error) -> Bool {
        isModified(error) || (error as? XapianError)?.isCorrupt == true
    }

    /// Searches `query`. Throws ``QuerySyntaxError`` for a query that does not parse.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws -> SearchResults {
        let parsed = try parser.parse(query)
        return try search(parsed, text: query, options: options)
    }

    /// The largest number of possible matches that one ranked pass over all of them visits; above it,
    /// a search ranks only until it has its page and counts the matches in a second, unranked pass.
    /// Measured on the 20,000-document benchmark corpus: the two passes cost 10% more than one at 4,448
    /// matches and 27% less at 9,824 (ranking a match costs more than counting it, but the second pass
    /// visits again what the first one did).
    public var oneRankedPassLimit = 5_000

    /// Searches an already parsed query.
    ///
    /// When Xapian's bounds, taken before matching, already agree (a lone term), the ranked page is all
    /// there is to do. When they allow at most ``oneRankedPassLimit`` matches, one ranked pass visits
    /// them all and gives the page and the exact total. Otherwise the ranked page comes first, which Xapian
    /// cuts short once it knows the best hits, and then, only when its bounds on the number of matches
    /// still disagree, an exact count that skips ranking (``exactCount(of:facets:)``). Facets always
    /// take the second way: their spies ride on the counting pass, which visits every match once.
    public func search(_ parsed: ParsedQuery, text: String, options: SearchOptions) throws(HanSearchError) -> SearchResults {
        let highlightPatterns = parsed.required.flatMap { $0 }.filter { $0.field == .text }.flatMap(\.patterns)
            .map(folding.fold)
        return try withRetryOnModification {
            // Built inside the retry: a title part reads the index (``segments(ofDocumentsTitled:)``).
            let ranked = try HanSearchError.catching(path: path, action: "building the query") {
                filtered(try matcher(for: parsed), options: options)
            }
            let enquire = enquire(ranked)
            if options.sort == .date {
                enquire.sort(byValueIn: Schema.dateSlot, descending: true)
            }
            // Xapian's bounds before matching anything (microseconds; exact for a lone term): rank every
            // match in one pass when there can be few, rank the page and count apart when there can be many.
            var rankAll = false
            if options.facets.isEmpty {
                let bounds = try enquire.mset(offset: 0, limit: 0, checkAtLeast: 0)
                rankAll = bounds.matchesLowerBound != bounds.matchesUpperBound
                    && bounds.matchesUpperBound <= oneRankedPassLimit
            }
            let matches = try enquire.mset(offset: max(0, options.offset), limit: max(0, options.limit),
                                           checkAtLeast: rankAll ? try database.documentCount() : 0,
                                           includeData: false, valueSlot: Schema.dataSlot)
            var total = matches.matchesLowerBound
            var facets: FacetCounts?
            if matches.matchesLowerBound != matches.matchesUpperBound || !options.facets.isEmpty {
                // The same matches without the title boost, which only weighs them.
                let counted = filtered(try matcher(for: parsed, boostingTitles: false), options: options)
                (total, facets) = try exactCount(of: counted, facets: options.facets)
            }
            let decoder = JSONDecoder()
            let hits = try matches.map { match -> SearchHit in
                let segment = try self.segment(stored: match.value, decoder: decoder)
                // Highlighting tokenizes the segment: skipped when no snippet is wanted.
                let snippet = options.snippetLength > 0
                    ? Highlighter.snippet(of: segment.text, patterns: highlightPatterns, length: options.snippetLength,
                                          folding: folding).html
                    : ""
                return SearchHit(id: segment.id, doc: segment.doc, title: segment.title, section: segment.section,
                                 kind: segment.kind, date: segment.date, source: segment.source,
                                 score: match.weight, snippet: snippet, text: segment.text, page: segment.page)
            }
            return SearchResults(query: text, total: total, hits: hits, facets: facets)
        }
    }

    /// The exact number of segments matching `query`, and their counts per value of each of `facets`:
    /// every match visited, none ranked or returned.
    func exactCount(of query: Query, facets: [Facet]) throws -> (total: Int, facets: FacetCounts?) {
        let enquire = enquire(query)
        enquire.useBoolWeight()
        let spies = FacetSpies(facets, enquire: enquire)
        let count = try database.documentCount()
        let total = try enquire.mset(offset: 0, limit: 0, checkAtLeast: count, includeData: false).matchesLowerBound
        return (total, try spies.counts())
    }

    /// The distinct ids of the documents that have a segment matching `parsed`, in index order.
    ///
    /// All matches, exactly, and much cheaper than ``search(_:text:options:)`` with a huge limit: no
    /// ranking, no segment data, no snippets. Xapian collapses the segments of a document on the value
    /// slot holding its id while it matches, and hands the id back without reading any document.
    public func documentIDs(matching parsed: ParsedQuery) throws(HanSearchError) -> [String] {
        return try withRetryOnModification {
            // Built inside the retry: a title part reads the index (``segments(ofDocumentsTitled:)``).
            let xapianQuery = try HanSearchError.catching(path: path, action: "building the query") {
                try matcher(for: parsed, findingDocuments: true)
            }
            let enquire = enquire(xapianQuery)
            // All weights are 0, so the order is Xapian's tie-break: ascending docids, the index order.
            enquire.useBoolWeight()
            let count = try database.documentCount()
            enquire.collapse(onValueIn: Schema.documentSlot)
            return try enquire.mset(offset: 0, limit: count, checkAtLeast: count, includeData: false).map(\.collapseKey)
        }
    }

    /// The segments of document `id` in reading order; empty when the index does not hold it.
    public func segments(ofDocument id: String) throws(HanSearchError) -> [Segment] {
        try withRetryOnModification {
            let enquire = enquire(.term(Schema.documentTerm(id)))
            enquire.useBoolWeight()
            let count = try database.documentCount()
            let decoder = JSONDecoder()
            return try enquire.mset(offset: 0, limit: count, checkAtLeast: count, includeData: false,
                                    valueSlot: Schema.dataSlot).map { match in
                try segment(stored: match.value, decoder: decoder)
            }.sorted { $0.ordinal < $1.ordinal }
        }
    }

    /// The segment whose stored data (value slot ``Schema/dataSlot``) is `stored`. A record compressed with a dictionary not read yet
    /// (another shard's, or a rebuilt index's after ``reopen()``) has every shard's dictionaries read.
    func segment(stored: [UInt8], decoder: JSONDecoder) throws -> Segment {
        if dataDecoder.missingDictionary(for: stored) != nil {
            dataDecoder.add(try shards.dataDictionaries(timeouts: timeouts))
        }
        return try StoredSegment.segment(data: dataDecoder.json(stored), decoder: decoder)
    }

    /// A new Enquire for `query`, without the segments listed as deleted (see ``excludesDeleted``).
    func enquire(_ query: Query) -> Enquire {
        let enquire = Enquire(database: database)
        enquire.setQuery(excludesDeleted ? .andNot(query, .documents(listedInMetadata: Schema.deletedKey)) : query)
        return enquire
    }

    /// The exact number of segments that `query` matches, or with `perDocument` of their documents:
    /// segments from Xapian's bounds when they agree (a lone term, nothing deleted), else by visiting
    /// every match.
    func count(_ query: Query, perDocument: Bool = false) throws -> Int {
        let enquire = enquire(query)
        enquire.useBoolWeight()
        if perDocument {
            enquire.collapse(onValueIn: Schema.documentSlot)
        } else {
            let bounds = try enquire.mset(offset: 0, limit: 0, checkAtLeast: 0, includeData: false)
            if bounds.matchesLowerBound == bounds.matchesUpperBound { return bounds.matchesLowerBound }
        }
        let all = try database.documentCount()
        return try enquire.mset(offset: 0, limit: 0, checkAtLeast: all, includeData: false).matchesLowerBound
    }

    /// The documents and segments that searches see. Without deleted segments the documents are the
    /// document id terms, counted without a pass over the segments.
    func visibleCounts() throws -> (documents: Int, segments: Int) {
        let segments = try count(.matchAll)
        if segments == (try database.documentCount()) {
            return (try database.termCount(withPrefix: Schema.documentIDPrefix), segments)
        }
        return (try count(.matchAll, perDocument: true), segments)
    }

    /// The Xapian query that matches `parsed` (without filters). With `boostingTitles`, text parts also
    /// weigh matches in the title (the matches are the same either way). With `findingDocuments` the query
    /// only has to find the documents: when it is one group of alternatives without exclusions, a title
    /// part then matches its documents' first segments only, which saves looking up all their segments.
    func matcher(for parsed: ParsedQuery, boostingTitles: Bool = true, findingDocuments: Bool = false) throws -> Query {
        let firstSegmentsSuffice = findingDocuments && parsed.required.count == 1 && parsed.excluded.isEmpty
        let part = { (part: QueryPart) throws -> Query in
            if part.field == .title && firstSegmentsSuffice { return try self.matcher(for: part, prefix: Schema.titlePhrasePrefix) }
            return boostingTitles ? try self.weighted(part) : try self.matcher(for: part)
        }
        let groups = try parsed.required.map { group in
            group.count == 1 ? try part(group[0]) : Query.or(try group.map(part))
        }
        let positive = groups.count == 1 ? groups[0] : Query.and(groups)
        guard !parsed.excluded.isEmpty else { return positive }
        return .andNot(positive, .or(try parsed.excluded.map { try matcher(for: $0) }))
    }

    /// A text part matches in the text only; its words in the title, anywhere (the terms there have no
    /// positions), add weight.
    func weighted(_ part: QueryPart) throws -> Query {
        let inField = try matcher(for: part)
        guard part.field == .text else { return inField }
        return .andMaybe(inField, titleWords(of: part).scaled(by: titleWeight))
    }

    /// The segments that `part` matches: a text part in their text, a title part in their document's title.
    func matcher(for part: QueryPart) throws -> Query {
        part.field == .title ? try segments(ofDocumentsTitled: part) : try matcher(for: part, prefix: "")
    }

    /// Every segment of the documents whose title matches `part`, weighed by the title's words. Only a
    /// document's first segment holds its title terms with positions (``Schema/titleOrdinal``), so those
    /// segments are found first, and then all segments of their documents by the document id terms.
    func segments(ofDocumentsTitled part: QueryPart) throws -> Query {
        let enquire = enquire(try matcher(for: part, prefix: Schema.titlePhrasePrefix))
        enquire.useBoolWeight()
        enquire.collapse(onValueIn: Schema.documentSlot)
        let count = try database.documentCount()
        let documents = try enquire.mset(offset: 0, limit: count, checkAtLeast: count, includeData: false)
        return .filter(titleWords(of: part), by: .or(documents.map { .term(Schema.documentTerm($0.collapseKey)) }))
    }

    /// The words of `part` in the title, anywhere: the positionless title terms every segment holds.
    func titleWords(of part: QueryPart) -> Query {
        let terms = part.patterns.flatMap { folding.fold($0).terms.map { Query.term(Schema.titlePrefix + $0) } }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    /// All patterns of `part` ANDed, folded as the index is; a pattern of several terms is an exact phrase.
    func matcher(for part: QueryPart, prefix: String) throws -> Query {
        let phrases = try part.patterns.map { pattern -> Query in
            let terms = folding.fold(pattern).terms.map { Query.term(prefix + $0) }
            return terms.count == 1 ? terms[0] : try Query.phrase(terms, window: terms.count)
        }
        return phrases.count == 1 ? phrases[0] : .and(phrases)
    }

    func filtered(_ query: Query, options: SearchOptions) -> Query {
        var query = query
        if let document = options.document {
            query = .filter(query, by: .term(Schema.documentTerm(document)))
        }
        if options.from != nil || options.to != nil {
            query = .filter(query, by: .valueRange(slot: Schema.dateSlot, from: options.from ?? "0000-00-00",
                                                    to: options.to ?? "9999-99-99"))
        }
        return facetFiltered(query, options: options)
    }

    /// The gate shared with this process's writer, if any: a search's last try holds commits back.
    public var commitGate: CommitGate?

    /// How many times a read runs when commits keep discarding the revision it reads.
    static let readAttempts = 3

    /// Runs `body`, reopening and running it again when a concurrent commit discarded the revision it
    /// was reading (or when `isTransient` says so of another error). The last try holds commits back
    /// through ``commitGate``, so with a gate it cannot lose its revision; without one (a writer in
    /// another process) the error is thrown after the last try.
    func withRetryOnModification<T>(action: String = "searching", retrying isTransient: (Error) -> Bool = SearchIndex.isModified,
                                    _ body: () throws -> T) throws(HanSearchError) -> T {
        for attempt in 1... {
            let lastTry = attempt == SearchIndex.readAttempts
            do {
                if lastTry, let commitGate {
                    return try commitGate.holdingCommits {
                        try database.reopen()
                        return try body()
                    }
                }
                return try body()
            } catch let error where !lastTry && isTransient(error) {
                _ = try? database.reopen()
            } catch {
                return try HanSearchError.catching(path: path, action: action) { throw error }
            }
        }
        fatalError("unreachable: the last try returns or throws")
    }

    /// Whether `error` says that a commit discarded the revision being read, as Xapian's own error or
    /// wrapped by a helper that already named its action.
    static func isModified(_ error: Error) -> Bool {
        switch error {
        case let error as XapianError: return error.isModified
        case HanSearchError.modified: return true
        default: return false
        }
    }
}
