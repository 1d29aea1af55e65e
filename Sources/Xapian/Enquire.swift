import CXapian

/// Runs queries against a database and returns ranked ``MatchSet``s. Not thread-safe.
public final class Enquire {
    /// Tie-breaking order of docids among equally ranked documents.
    public enum DocidOrder: Sendable {
        /// Lower docids first (Xapian's default).
        case ascending
        /// Higher docids first.
        case descending
        /// Any order (may be faster).
        case dontCare
    }

    /// How results are ordered.
    public enum Sort: Sendable, Equatable {
        /// By weight (the default).
        case relevance
        /// By the value in `slot` only (bytewise), descending if requested.
        case value(slot: UInt32, descending: Bool)
        /// By the value in `slot`, ties broken by weight.
        case valueThenRelevance(slot: UInt32, descending: Bool)
        /// By weight, ties broken by the value in `slot`.
        case relevanceThenValue(slot: UInt32, descending: Bool)
    }

    let handle: OpaquePointer
    /// Keeps the database object alive for as long as the enquire uses it.
    private let owner: AnyObject

    /// Creates an enquire over a read-only (possibly sharded) database.
    public init(database: Database) {
        handle = mustSucceed { () throws(XapianError) in try make { hx_enquire_new(database.handle, &$0) } }
        owner = database
    }

    /// Creates an enquire over a writable database (sees its uncommitted changes).
    public init(database: WritableDatabase) {
        handle = mustSucceed { () throws(XapianError) in
            try make { hx_enquire_new_writable(database.handle, &$0) }
        }
        owner = database
    }

    /// Whether ``setCollapseKey(slot:max:)`` turned collapsing on.
    private var collapsing = false
    /// The spies added with ``addSpy(_:)``, kept alive for as long as the enquire feeds them.
    var spies: [ValueCountSpy] = []

    deinit { hx_enquire_free(handle) }

    /// Sets the query to run.
    public func setQuery(_ query: Query) {
        withExtendedLifetime(query) {
            mustSucceed { () throws(XapianError) in try call { hx_enquire_set_query(handle, query.handle, &$0) } }
        }
    }

    /// Uses BM25 weighting (Xapian's default scheme) with the given parameters;
    /// all must be >= 0, and `b` <= 1.
    public func useBM25(
        k1: Double = 1, k2: Double = 0, k3: Double = 1, b: Double = 0.5,
        minNormalizedLength: Double = 0.5
    ) {
        precondition(k1 >= 0 && k2 >= 0 && k3 >= 0 && b >= 0 && b <= 1, "invalid BM25 parameters")
        mustSucceed { () throws(XapianError) in
            try call { hx_enquire_set_weighting_bm25(handle, k1, k2, k3, b, minNormalizedLength, &$0) }
        }
    }

    /// Uses boolean weighting: every match has weight 0.
    public func useBoolWeight() {
        mustSucceed { () throws(XapianError) in try call { hx_enquire_set_weighting_bool(handle, &$0) } }
    }

    /// Sets the docid order used to break ties.
    public func setDocidOrder(_ order: DocidOrder) {
        let raw: Int32
        switch order {
        case .ascending: raw = Int32(HX_DOCID_ASCENDING)
        case .descending: raw = Int32(HX_DOCID_DESCENDING)
        case .dontCare: raw = Int32(HX_DOCID_DONT_CARE)
        }
        mustSucceed { () throws(XapianError) in try call { hx_enquire_set_docid_order(handle, raw, &$0) } }
    }

    /// Keeps at most `max` matches per distinct value in `slot` (Xapian's collapse key), or turns
    /// collapsing off with `nil`. Match counts then count collapsed matches, and each match carries its
    /// ``Match/collapseKey`` (copied out without reading the document).
    public func setCollapseKey(slot: UInt32?, max: Int = 1) {
        collapsing = slot != nil && max > 0
        mustSucceed { () throws(XapianError) in
            try call { hx_enquire_set_collapse_key(handle, slot ?? 0, slot == nil ? 0 : u32(max), &$0) }
        }
    }

    /// Sets how results are ordered.
    public func setSort(_ sort: Sort) {
        mustSucceed { () throws(XapianError) in
            try call { err in
                switch sort {
                case .relevance:
                    hx_enquire_set_sort_by_relevance(handle, &err)
                case let .value(slot, descending):
                    hx_enquire_set_sort_by_value(handle, slot, descending ? 1 : 0, &err)
                case let .valueThenRelevance(slot, descending):
                    hx_enquire_set_sort_by_value_then_relevance(handle, slot, descending ? 1 : 0, &err)
                case let .relevanceThenValue(slot, descending):
                    hx_enquire_set_sort_by_relevance_then_value(handle, slot, descending ? 1 : 0, &err)
                }
            }
        }
    }

    /// Runs the query, returning up to `limit` matches starting at rank `offset`.
    ///
    /// At least `checkAtLeast` documents are examined, so passing the document
    /// count makes ``MatchSet/matchesEstimated`` exact. With `includeData` each
    /// match's document data is fetched too; with `valueSlot` each match's value in that slot
    /// (``Match/value``), fetched for all matches in one call. May throw `DatabaseModifiedError`.
    public func mset(
        offset: Int, limit: Int, checkAtLeast: Int = 0, includeData: Bool = true, valueSlot: UInt32? = nil
    ) throws(XapianError) -> MatchSet {
        let m = try make { hx_enquire_get_mset(handle, u32(offset), u32(limit), u32(checkAtLeast), &$0) }
        defer { hx_mset_free(m) }
        var estimated: UInt32 = 0, lower: UInt32 = 0, upper: UInt32 = 0
        try call { hx_mset_get_matches_estimated(m, &estimated, &$0) }
        try call { hx_mset_get_matches_lower_bound(m, &lower, &$0) }
        try call { hx_mset_get_matches_upper_bound(m, &upper, &$0) }
        let n = hx_mset_size(m)
        var docids = [UInt32](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        var ranks = [UInt32](repeating: 0, count: n)
        var percents = [Int32](repeating: 0, count: n)
        if n > 0 {
            try call { hx_mset_get_items(m, &docids, &weights, &ranks, &percents, &$0) }
        }
        let values = try valueSlot.map { slot throws(XapianError) in
            try msetStrings(count: n) { hx_mset_get_values(m, slot, $0, $1, $2, &$3) }
        }
        let keys = collapsing ? try msetStrings(count: n) { hx_mset_get_collapse_keys(m, $0, $1, $2, &$3) } : nil
        var matches: [Match] = []
        matches.reserveCapacity(n)
        for i in 0..<n {
            let data = includeData ? try takeString { hx_mset_get_data(m, i, $0, $1, &$2) } : ""
            matches.append(Match(
                docid: docids[i], weight: weights[i], rank: Int(ranks[i]),
                percent: Int(percents[i]), data: data, value: values?[i] ?? "", collapseKey: keys?[i] ?? ""))
        }
        return MatchSet(
            matches: matches, matchesEstimated: Int(estimated),
            matchesLowerBound: Int(lower), matchesUpperBound: Int(upper))
    }
}

/// One string per MSet item (`count` of them), copied out by one C call that fills a buffer and
/// each item's length.
private func msetStrings(
    count: Int,
    _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<Int>,
             UnsafeMutablePointer<UInt32>, inout CError) -> Int32
) throws(XapianError) -> [String] {
    guard count > 0 else { return [] }
    var lengths = [UInt32](repeating: 0, count: count)
    var bytes: UnsafeMutablePointer<CChar>? = nil
    var total = 0
    try call { body(&bytes, &total, &lengths, &$0) }
    defer { hx_string_free(bytes) }
    return splitStrings(bytes, total: total, lengths: lengths)
}

/// One search result.
public struct Match: Sendable, Equatable, Hashable {
    /// The matching document's id.
    public var docid: UInt32
    /// Its weight (0 with boolean weighting).
    public var weight: Double
    /// Its 0-based rank in the full result list.
    public var rank: Int
    /// Its weight as a percentage of the best possible.
    public var percent: Int
    /// Its document data decoded as UTF-8 (`""` when not fetched).
    public var data: String
    /// Its value in the slot asked for with `valueSlot`, decoded as UTF-8 (`""` when not fetched).
    public var value: String
    /// Its collapse key when the enquire collapses (``Enquire/setCollapseKey(slot:max:)``), else `""`.
    public var collapseKey: String

    /// Creates a match.
    public init(docid: UInt32, weight: Double, rank: Int, percent: Int, data: String, value: String = "",
                collapseKey: String = "") {
        self.docid = docid
        self.weight = weight
        self.rank = rank
        self.percent = percent
        self.data = data
        self.value = value
        self.collapseKey = collapseKey
    }
}

/// A page of search results plus estimates of the total number of matches,
/// copied out of Xapian eagerly (a plain value).
public struct MatchSet: RandomAccessCollection, Sendable, Equatable {
    /// The matches on this page, best first.
    public var matches: [Match]
    /// Xapian's estimate of the total number of matches.
    public var matchesEstimated: Int
    /// A lower bound on the total number of matches.
    public var matchesLowerBound: Int
    /// An upper bound on the total number of matches.
    public var matchesUpperBound: Int

    /// Creates a match set.
    public init(matches: [Match], matchesEstimated: Int, matchesLowerBound: Int, matchesUpperBound: Int) {
        self.matches = matches
        self.matchesEstimated = matchesEstimated
        self.matchesLowerBound = matchesLowerBound
        self.matchesUpperBound = matchesUpperBound
    }

    /// 0.
    public var startIndex: Int { 0 }
    /// The number of matches on this page.
    public var endIndex: Int { matches.count }
    /// The match at position `i` on this page.
    public subscript(i: Int) -> Match { matches[i] }
    /// The docids on this page, in order.
    public var docids: [UInt32] { matches.map(\.docid) }
}
