import CXapian

/// An immutable Xapian query tree.
///
/// Not `Sendable`: Xapian 1.4's query reference counts are not atomic.
public final class Query: CustomStringConvertible {
    let handle: OpaquePointer

    private init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    private static func wrap(_ body: (inout CError) -> OpaquePointer?) -> Query {
        Query(mustSucceed { () throws(XapianError) in try make(body) })
    }

    deinit { hx_query_free(handle) }

    /// Xapian's `get_description()`, e.g. `Query((a@1 PHRASE 2 b@2))`.
    public var description: String {
        mustSucceed { () throws(XapianError) -> String in
            var err: CError = nil
            guard let s = hx_query_get_description(handle, &err) else {
                throw XapianError(consuming: err)
            }
            defer { hx_string_free(s) }
            return String(cString: s)
        }
    }

    /// A single term. `wdf` is the query's within-query frequency; `position` is the
    /// term's position in the query (0 = none; only used for descriptions/ordering).
    /// Note: in Xapian the empty term `""` means "match all documents".
    public static func term(_ term: String, wdf: Int = 1, position: UInt32 = 0) -> Query {
        wrap { hx_query_term(term, u32(wdf), position, &$0) }
    }

    private static func combine(_ op: Int32, _ subqueries: [Query], parameter: Int = 0) -> Query {
        let handles: [OpaquePointer?] = subqueries.map { $0.handle }
        return withExtendedLifetime(subqueries) {
            handles.withUnsafeBufferPointer { buf in
                wrap { hx_query_combine(op, buf.baseAddress, buf.count, u32(parameter), &$0) }
            }
        }
    }

    private static func combineThrowing(_ op: Int32, _ subqueries: [Query], parameter: Int) throws(XapianError) -> Query {
        let handles: [OpaquePointer?] = subqueries.map { $0.handle }
        var err: CError = nil
        let p = withExtendedLifetime(subqueries) {
            handles.withUnsafeBufferPointer { buf in
                hx_query_combine(op, buf.baseAddress, buf.count, u32(parameter), &err)
            }
        }
        guard let p else { throw XapianError(consuming: err) }
        return Query(p)
    }

    /// Matches documents where the subqueries appear in order, within `window`
    /// positions (default: the number of subqueries, i.e. adjacent).
    ///
    /// Xapian 1.4 only accepts terms and ORs of terms as subqueries; anything else
    /// (AND, SYNONYM, a nested phrase, a scaled query) throws `UnimplementedError`.
    /// A single subquery yields that subquery; an empty list matches nothing.
    public static func phrase(_ subqueries: [Query], window: Int? = nil) throws(XapianError) -> Query {
        try combineThrowing(Int32(HX_OP_PHRASE), subqueries, parameter: window ?? 0)
    }

    /// Matches documents where the subqueries appear, in any order, within `window` positions.
    /// Same subquery restrictions as ``phrase(_:window:)``.
    public static func near(_ subqueries: [Query], window: Int) throws(XapianError) -> Query {
        try combineThrowing(Int32(HX_OP_NEAR), subqueries, parameter: window)
    }

    /// Matches documents matching all subqueries (an empty list matches nothing).
    public static func and(_ subqueries: [Query]) -> Query {
        combine(Int32(HX_OP_AND), subqueries)
    }

    /// Matches documents matching any subquery.
    public static func or(_ subqueries: [Query]) -> Query {
        combine(Int32(HX_OP_OR), subqueries)
    }

    /// Matches documents matching an odd number of the subqueries (XOR).
    public static func xor(_ subqueries: [Query]) -> Query {
        combine(Int32(HX_OP_XOR), subqueries)
    }

    /// Like ``or(_:)`` but weights the subqueries as if they were a single term.
    public static func synonym(_ subqueries: [Query]) -> Query {
        combine(Int32(HX_OP_SYNONYM), subqueries)
    }

    /// Like ``or(_:)`` but a document's weight is the maximum of its matching subqueries.
    public static func max(_ subqueries: [Query]) -> Query {
        combine(Int32(HX_OP_MAX), subqueries)
    }

    /// An OR of the `size` most important subqueries (default: Xapian's choice, 10).
    public static func eliteSet(_ subqueries: [Query], size: Int? = nil) -> Query {
        combine(Int32(HX_OP_ELITE_SET), subqueries, parameter: size ?? 0)
    }

    /// Matches documents matching `a` but not `b`.
    public static func andNot(_ a: Query, _ b: Query) -> Query {
        combine(Int32(HX_OP_AND_NOT), [a, b])
    }

    /// Matches documents matching `a`; those also matching `b` get extra weight.
    public static func andMaybe(_ a: Query, _ b: Query) -> Query {
        combine(Int32(HX_OP_AND_MAYBE), [a, b])
    }

    /// Matches documents matching both `q` and `f`, taking weight only from `q`.
    public static func filter(_ q: Query, by f: Query) -> Query {
        combine(Int32(HX_OP_FILTER), [q, f])
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

    /// Matches documents whose value in `slot` lies in `from...to` (bytewise comparison).
    public static func valueRange(slot: UInt32, from: String, to: String) -> Query {
        withBytes(from) { lo, loLen in
            withBytes(to) { hi, hiLen in
                wrap { hx_query_value_range(slot, lo, loLen, hi, hiLen, &$0) }
            }
        }
    }

    /// Matches documents whose value in `slot` is >= `value` (bytewise comparison).
    public static func valueGreaterOrEqual(slot: UInt32, _ value: String) -> Query {
        withBytes(value) { p, n in wrap { hx_query_value_ge(slot, p, n, &$0) } }
    }

    /// Matches documents whose value in `slot` is <= `value` (bytewise comparison).
    public static func valueLessOrEqual(slot: UInt32, _ value: String) -> Query {
        withBytes(value) { p, n in wrap { hx_query_value_le(slot, p, n, &$0) } }
    }

    /// Matches every document (weight 0).
    public static var matchAll: Query { wrap { hx_query_match_all(&$0) } }

    /// Matches no documents.
    public static var matchNothing: Query { wrap { hx_query_match_nothing(&$0) } }
}
