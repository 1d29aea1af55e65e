import CXapian

/// An immutable Xapian query tree.
///
/// Not `Sendable`: Xapian 1.4's query reference counts are not atomic.
public final class Query {
    let handle: OpaquePointer

    private init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    private static func wrap(_ body: (inout CError) -> OpaquePointer?) -> Query {
        Query(mustSucceed { () throws(XapianError) in try make(body) })
    }

    deinit { hx_query_free(handle) }

    /// A single term (in Xapian the empty term `""` matches every document).
    public static func term(_ term: String) -> Query {
        wrap { hx_query_term(term, 1, 0, &$0) }
    }

    /// Combines `subqueries` with Xapian operator `op`; `window` is PHRASE's (0: their number).
    private static func combine(_ op: Int32, _ subqueries: [Query], window: Int = 0) throws(XapianError) -> Query {
        let handles: [OpaquePointer?] = subqueries.map { $0.handle }
        return Query(try make { err in
            withExtendedLifetime(subqueries) {
                handles.withUnsafeBufferPointer { hx_query_combine(op, $0.baseAddress, $0.count, u32(window), &err) }
            }
        })
    }

    /// ``combine(_:_:window:)`` for the operators that accept any subqueries.
    private static func combining(_ op: Int32, _ subqueries: [Query]) -> Query {
        mustSucceed { () throws(XapianError) in try combine(op, subqueries) }
    }

    /// Matches documents where the subqueries appear in order, within `window`
    /// positions (default: the number of subqueries, i.e. adjacent).
    ///
    /// Xapian 1.4 only accepts terms and ORs of terms as subqueries; anything else
    /// (AND, SYNONYM, a nested phrase, a scaled query) throws `UnimplementedError`.
    /// A single subquery yields that subquery; an empty list matches nothing.
    public static func phrase(_ subqueries: [Query], window: Int? = nil) throws(XapianError) -> Query {
        try combine(Int32(HX_OP_PHRASE), subqueries, window: window ?? 0)
    }

    /// Matches documents matching all subqueries (an empty list matches nothing).
    public static func and(_ subqueries: [Query]) -> Query {
        combining(Int32(HX_OP_AND), subqueries)
    }

    /// Matches documents matching any subquery.
    public static func or(_ subqueries: [Query]) -> Query {
        combining(Int32(HX_OP_OR), subqueries)
    }

    /// Matches documents matching `a` but not `b`.
    public static func andNot(_ a: Query, _ b: Query) -> Query {
        combining(Int32(HX_OP_AND_NOT), [a, b])
    }

    /// Matches documents matching `a`; those also matching `b` get extra weight.
    public static func andMaybe(_ a: Query, _ b: Query) -> Query {
        combining(Int32(HX_OP_AND_MAYBE), [a, b])
    }

    /// Matches documents matching both `q` and `f`, taking weight only from `q`.
    public static func filter(_ q: Query, by f: Query) -> Query {
        combining(Int32(HX_OP_FILTER), [q, f])
    }

    /// This query with its weights multiplied by `factor` (must be >= 0).
    public func scaled(by factor: Double) -> Query {
        precondition(factor >= 0 && factor.isFinite, "Query.scaled(by:) needs a finite factor >= 0")
        return withExtendedLifetime(self) {
            Query.wrap { hx_query_scale_weight(handle, factor, &$0) }
        }
    }

    private static func withBytes<R>(_ s: String, _ body: (UnsafePointer<CChar>?, Int) -> R) -> R {
        var s = s
        return s.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { body($0.baseAddress, $0.count) }
        }
    }

    /// Matches every document (weight 0).
    public static var matchAll: Query { wrap { hx_query_match_all(&$0) } }

    /// Matches the documents that each database lists in its metadata under `key`, written as ascending
    /// docids and ranges (`"3,7-9,12"`); a shard of a combined database reads its own list, with its own
    /// docids. Local databases only: Xapian cannot send this query to a remote shard.
    public static func documents(listedInMetadata key: String) -> Query {
        wrap { hx_query_listed_documents(key, &$0) }
    }

    /// Matches documents whose value in `slot` lies in `from...to` (bytewise comparison).
    public static func valueRange(slot: UInt32, from: String, to: String) -> Query {
        withBytes(from) { lo, loLen in
            withBytes(to) { hi, hiLen in
                wrap { hx_query_value_range(slot, lo, loLen, hi, hiLen, &$0) }
            }
        }
    }
}
