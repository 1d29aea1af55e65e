import CXapian

/// One term of a document's term list, as reported by ``Document/termList``.
public struct TermListEntry: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The term.
    public var term: String
    /// Within-document frequency.
    public var wdf: Int
    /// Positions (ascending); empty for positionless terms.
    public var positions: [UInt32]

    /// Creates an entry.
    public init(term: String, wdf: Int, positions: [UInt32] = []) {
        self.term = term
        self.wdf = wdf
        self.positions = positions
    }

    /// `term(wdf)@positions`, for debugging.
    public var description: String { "\(term)(\(wdf))@\(positions)" }
}

/// A batch of terms with positions, accumulated into one contiguous buffer so
/// that ``Document/addTerms(_:)`` crosses into Xapian in a single call.
///
/// Position `0` means "no position" (the term is added with `add_term`),
/// any other value adds a posting at that (1-based) position. Each entry
/// increments the term's wdf by one, or by none when appended as not
/// weighing (it then adds nothing to the document's length). Empty terms and terms containing a NUL
/// character are skipped, as Xapian cannot store them in this form.
public struct TermBatch: Sendable {
    var bytes: [UInt8] = []
    var positions: [UInt32] = []
    var wdfIncrements: [UInt8] = []

    /// Creates an empty batch, optionally reserving room for `terms` terms of
    /// about `averageTermBytes` UTF-8 bytes each.
    public init(reservingCapacity terms: Int = 0, averageTermBytes: Int = 6) {
        if terms > 0 {
            bytes.reserveCapacity(terms * (averageTermBytes + 1))
            positions.reserveCapacity(terms)
            wdfIncrements.reserveCapacity(terms)
        }
    }

    /// True when the batch holds no terms.
    public var isEmpty: Bool { positions.isEmpty }

    /// Appends `term` at `position` (0 = no position). A term that does not `weigh` is there to be
    /// matched only: its wdf stays 0, so it neither weighs in BM25 nor lengthens the document.
    public mutating func append(_ term: String, position: UInt32 = 0, weighs: Bool = true) {
        let utf8 = term.utf8
        if utf8.isEmpty || utf8.contains(0) { return }
        bytes.append(contentsOf: utf8)
        bytes.append(0)
        positions.append(position)
        wdfIncrements.append(weighs ? 1 : 0)
    }
}

/// A Xapian document: opaque data, terms (with optional positions) and values.
///
/// Not thread-safe. Documents obtained from a database have their data loaded
/// eagerly, so ``data`` never touches the database afterwards; ``termList`` may.
public final class Document {
    let handle: OpaquePointer

    /// Creates an empty document.
    public init() {
        handle = mustSucceed { () throws(XapianError) in try make { hx_document_new(&$0) } }
    }

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { hx_document_free(handle) }

    /// The document data (binary safe).
    public var data: [UInt8] {
        get {
            mustSucceed { () throws(XapianError) in
                try takeBytes { hx_document_get_data(handle, $0, $1, &$2) }
            }
        }
        set {
            newValue.withUnsafeBufferPointer { buf in
                buf.withMemoryRebound(to: CChar.self) { c in
                    mustSucceed { () throws(XapianError) in
                        try call { hx_document_set_data(handle, c.baseAddress, c.count, &$0) }
                    }
                }
            }
        }
    }

    /// Adds a boolean (filter) term: wdf 0, no positions. Empty terms are ignored.
    public func addBooleanTerm(_ term: String) {
        guard !term.isEmpty else { return }
        mustSucceed { () throws(XapianError) in
            try call { hx_document_add_boolean_term(handle, term, &$0) }
        }
    }

    /// Adds all terms of `batch` in one call into Xapian: Xapian's `add_term` (position 0) or
    /// `add_posting` for each entry in order.
    public func addTerms(_ batch: TermBatch) {
        guard !batch.isEmpty else { return }
        batch.bytes.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { terms in
                batch.positions.withUnsafeBufferPointer { positions in
                    batch.wdfIncrements.withUnsafeBufferPointer { wdfIncrements in
                        mustSucceed { () throws(XapianError) in
                            try call {
                                hx_document_add_terms(
                                    handle, terms.baseAddress, terms.count,
                                    positions.baseAddress, wdfIncrements.baseAddress, positions.count, &$0)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Stores `value` (UTF-8) in value slot `slot`; an empty value removes the slot's value.
    public func setValue(_ value: String, slot: UInt32) {
        setValue(Array(value.utf8), slot: slot)
    }

    /// Stores the bytes `value` in value slot `slot`; empty removes the slot's value.
    public func setValue(_ value: [UInt8], slot: UInt32) {
        value.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { c in
                mustSucceed { () throws(XapianError) in
                    try call { hx_document_add_value(handle, slot, c.baseAddress, c.count, &$0) }
                }
            }
        }
    }

    /// The bytes in value slot `slot` (empty when it has none).
    public func value(slot: UInt32) -> [UInt8] {
        mustSucceed { () throws(XapianError) in
            try takeBytes { hx_document_get_value(handle, slot, $0, $1, &$2) }
        }
    }

    /// The document's terms in sorted order, with wdf and positions. Kept for the tests that compare
    /// what two ways of indexing stored (the product never reads a term list).
    /// For a document read from a database this reads the database, and so may throw
    /// (e.g. `DatabaseModifiedError`).
    public var termList: [TermListEntry] {
        get throws(XapianError) {
            let tl = try make { hx_document_termlist(handle, &$0) }
            defer { hx_termlist_free(tl) }
            let n = hx_termlist_size(tl)
            var out: [TermListEntry] = []
            out.reserveCapacity(n)
            for i in 0..<n {
                var count = 0
                let pos = hx_termlist_positions(tl, i, &count)
                let positions = pos.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
                out.append(TermListEntry(
                    term: String(cString: hx_termlist_term(tl, i)),
                    wdf: Int(hx_termlist_wdf(tl, i)),
                    positions: positions))
            }
            return out
        }
    }
}
