import CXapian

/// Counts the matches of a search per distinct value in one slot (Xapian's `ValueCountMatchSpy`):
/// facet counts. Add it to an ``Enquire`` with ``Enquire/addSpy(_:)`` before ``Enquire/mset(offset:limit:checkAtLeast:includeData:valueSlot:)``;
/// it sees every match only when `checkAtLeast` is at least the number of matches (the document count
/// makes sure). Counts accumulate over every `mset` call of the enquire. Not thread-safe.
public final class ValueCountSpy {
    let handle: OpaquePointer
    /// The value slot counted.
    public let slot: UInt32

    /// Creates a spy counting the values in `slot`.
    public init(slot: UInt32) {
        handle = mustSucceed { () throws(XapianError) in try make { hx_value_count_spy_new(slot, &$0) } }
        self.slot = slot
    }

    deinit { hx_value_count_spy_free(handle) }

    /// Each distinct value seen (decoded as UTF-8) with its number of matches, in ascending byte order of
    /// the values. Matches without a value in the slot are not listed.
    public func counts() throws(XapianError) -> [(value: String, count: Int)] {
        var n = 0
        try call { hx_value_count_spy_get_value_count(handle, &n, &$0) }
        guard n > 0 else { return [] }
        var lengths = [UInt32](repeating: 0, count: n)
        var counts = [UInt32](repeating: 0, count: n)
        var bytes: UnsafeMutablePointer<CChar>? = nil
        var total = 0
        try call { hx_value_count_spy_get_values(handle, &bytes, &total, &lengths, &counts, n, &$0) }
        defer { hx_string_free(bytes) }
        return zip(splitStrings(bytes, total: total, lengths: lengths), counts).map { ($0, Int($1)) }
    }
}

extension Enquire {
    /// Feeds every match examined by later ``mset(offset:limit:checkAtLeast:includeData:valueSlot:)``
    /// calls to `spy`, which the enquire keeps alive.
    public func addSpy(_ spy: ValueCountSpy) {
        spies.append(spy)
        mustSucceed { () throws(XapianError) in try call { hx_enquire_add_value_count_spy(handle, spy.handle, &$0) } }
    }
}
