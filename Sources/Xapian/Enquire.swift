import CXapian

/// Runs queries against a database and returns ranked ``MatchSet``s. Not thread-safe.
public final class Enquire {
    let handle: OpaquePointer
    /// Keeps the database object alive for as long as the enquire uses it.
    private let owner: AnyObject

    /// Creates an enquire over a (possibly sharded) database; over a writable one it sees the
    /// uncommitted changes.
    public init(database: ReadableDatabase) {
        handle = mustSucceed { () throws(XapianError) in try make { hx_enquire_new(database.reader, &$0) } }
        owner = database
    }

    /// Whether ``collapse(onValueIn:)`` turned collapsing on.
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

    /// Uses boolean weighting: every match has weight 0.
    public func useBoolWeight() {
        mustSucceed { () throws(XapianError) in try call { hx_enquire_set_weighting_bool(handle, &$0) } }
    }

    /// Keeps one match per distinct value in `slot` (Xapian's collapse key; matches without a value
    /// are all kept). Match counts then count collapsed matches, and each match carries its
    /// ``Match/collapseKey`` (copied out without reading the document).
    public func collapse(onValueIn slot: UInt32) {
        collapsing = true
        mustSucceed { () throws(XapianError) in try call { hx_enquire_set_collapse_key(handle, slot, 1, &$0) } }
    }

    /// Orders results by the value in `slot` (bytewise), ties broken by weight, then by ascending
    /// docid (Xapian's default); by weight alone unless called.
    public func sort(byValueIn slot: UInt32, descending: Bool) {
        mustSucceed { () throws(XapianError) in
            try call { hx_enquire_set_sort_by_value_then_relevance(handle, slot, descending ? 1 : 0, &$0) }
        }
    }

    /// Runs the query, returning up to `limit` matches starting at rank `offset`.
    ///
    /// At least `checkAtLeast` documents are examined, so passing the document
    /// count makes the bounds of the number of matches exact. With `includeData` each
    /// match's document data is fetched too, with `valueSlot` its value in that slot.
    /// May throw `DatabaseModifiedError`.
    public func mset(
        offset: Int, limit: Int, checkAtLeast: Int = 0, includeData: Bool = true, valueSlot: UInt32? = nil
    ) throws(XapianError) -> MatchSet {
        let m = try make { hx_enquire_get_mset(handle, u32(offset), u32(limit), u32(checkAtLeast), &$0) }
        defer { hx_mset_free(m) }
        var lower: UInt32 = 0, upper: UInt32 = 0
        try call { hx_mset_get_matches_lower_bound(m, &lower, &$0) }
        try call { hx_mset_get_matches_upper_bound(m, &upper, &$0) }
        let n = hx_mset_size(m)
        var docids = [UInt32](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        if n > 0 {
            try call { hx_mset_get_items(m, &docids, &weights, &$0) }
        }
        let keys = collapsing ? try collapseKeys(m, count: n) : nil
        var matches: [Match] = []
        matches.reserveCapacity(n)
        for i in 0..<n {
            let data = includeData ? try takeBytes { hx_mset_get_data(m, i, $0, $1, &$2) } : []
            let value = try valueSlot.map { slot throws(XapianError) in
                try takeBytes { hx_mset_get_value(m, i, slot, $0, $1, &$2) }
            } ?? []
            matches.append(Match(docid: docids[i], weight: weights[i], data: data, value: value,
                                 collapseKey: keys?[i] ?? ""))
        }
        return MatchSet(matches: matches, matchesLowerBound: Int(lower), matchesUpperBound: Int(upper))
    }
}

/// The collapse keys of the `count` items of `mset`, copied out by one C call.
private func collapseKeys(_ mset: OpaquePointer, count: Int) throws(XapianError) -> [String] {
    guard count > 0 else { return [] }
    var lengths = [UInt32](repeating: 0, count: count)
    var bytes: UnsafeMutablePointer<CChar>? = nil
    var total = 0
    try call { hx_mset_get_collapse_keys(mset, &bytes, &total, &lengths, &$0) }
    defer { hx_string_free(bytes) }
    return splitStrings(bytes, total: total, lengths: lengths)
}

/// One search result.
public struct Match: Sendable, Equatable, Hashable {
    /// The matching document's id.
    public var docid: UInt32
    /// Its weight (0 with boolean weighting).
    public var weight: Double
    /// Its document data (empty when not fetched).
    public var data: [UInt8]
    /// Its value in the slot asked for (empty when none was, or it has none there).
    public var value: [UInt8]
    /// Its collapse key when the enquire collapses (``Enquire/collapse(onValueIn:)``), else `""`.
    public var collapseKey: String
}

/// A page of search results plus estimates of the total number of matches,
/// copied out of Xapian eagerly (a plain value).
public struct MatchSet: RandomAccessCollection, Sendable, Equatable {
    /// The matches on this page, best first.
    public var matches: [Match]
    /// A lower bound on the total number of matches.
    public var matchesLowerBound: Int
    /// An upper bound on the total number of matches.
    public var matchesUpperBound: Int

    /// 0.
    public var startIndex: Int { 0 }
    /// The number of matches on this page.
    public var endIndex: Int { matches.count }
    /// The match at position `i` on this page.
    public subscript(i: Int) -> Match { matches[i] }
}
