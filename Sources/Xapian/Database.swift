import CXapian

/// A read-only Xapian database, possibly combining several shards.
///
/// A reader sees the revision that was current when it was opened (or last
/// reopened). If a writer commits often enough, reads may fail with
/// `DatabaseModifiedError` (``XapianError/isModified``): call ``reopen()`` and retry.
/// Not thread-safe.
public final class Database {
    let handle: OpaquePointer

    /// Opens the database at `path` read-only.
    ///
    /// Throws `DatabaseNotFoundError` / `DatabaseOpeningError` when no database exists there.
    public init(path: String) throws(XapianError) {
        handle = try make { hx_database_open(path, &$0) }
    }

    /// Creates a database searching all of `shards` together (docids are interleaved
    /// as Xapian does for sharded databases). An empty array gives an empty database.
    public init(shards: [Database]) throws(XapianError) {
        handle = try make { hx_database_new_empty(&$0) }
        for shard in shards { try add(shard) }
    }

    /// Creates a read handle sharing the state of `writable`, including uncommitted
    /// changes. Closing either closes both.
    public init(_ writable: WritableDatabase) throws(XapianError) {
        handle = try make { hx_writable_database_as_database(writable.handle, &$0) }
    }

    deinit { hx_database_free(handle) }

    /// Adds the shards of `shard` to this database.
    public func add(_ shard: Database) throws(XapianError) {
        try call { hx_database_add_database(handle, shard.handle, &$0) }
    }

    /// Moves to the latest committed revision; returns true if the database changed.
    @discardableResult
    public func reopen() throws(XapianError) -> Bool {
        var changed: Int32 = 0
        try call { hx_database_reopen(handle, &changed, &$0) }
        return changed != 0
    }

    /// How hard ``compact(to:level:renumber:multipass:)`` packs the tables.
    public enum CompactionLevel: UInt32, Sendable {
        /// Full blocks where that is cheap.
        case standard = 0
        /// Full blocks (Xapian's `FULL`): smallest output that stays fast to update.
        case full = 1
        /// Also lets items overflow blocks (`FULLER`): smallest, slower to update later.
        case fuller = 2
    }

    /// Writes a compacted copy of all shards of this database to the new folder `path`: every table is
    /// rewritten in sorted order with full blocks, so the copy is smaller and faster to read. With
    /// `renumber`, documents of later shards get docids after those of earlier shards (needed when the
    /// shards' docids overlap); `multipass` merges many shards in several passes, using less memory.
    public func compact(to path: String, level: CompactionLevel = .full, renumber: Bool = true,
                        multipass: Bool = false) throws(XapianError) {
        var flags = level.rawValue
        if !renumber { flags |= UInt32(HX_COMPACT_NO_RENUMBER) }
        if multipass { flags |= UInt32(HX_COMPACT_MULTIPASS) }
        try call { hx_database_compact(handle, path, flags, 0, &$0) }
    }

    /// Closes the database; later operations throw.
    public func close() throws(XapianError) {
        try call { hx_database_close(handle, &$0) }
    }

    /// Number of documents.
    public func documentCount() throws(XapianError) -> Int {
        var out: UInt32 = 0
        try call { hx_database_get_doccount(handle, &out, &$0) }
        return Int(out)
    }

    /// The highest docid in use (0 when empty).
    public func lastDocumentID() throws(XapianError) -> UInt32 {
        var out: UInt32 = 0
        try call { hx_database_get_lastdocid(handle, &out, &$0) }
        return out
    }

    /// Average document length (sum of wdfs per document).
    public func averageLength() throws(XapianError) -> Double {
        var out = 0.0
        try call { hx_database_get_avlength(handle, &out, &$0) }
        return out
    }

    /// Number of documents indexed by `term`.
    public func termFrequency(_ term: String) throws(XapianError) -> Int {
        var out: UInt32 = 0
        try call { hx_database_get_termfreq(handle, term, &out, &$0) }
        return Int(out)
    }

    /// Number of distinct terms that start with `prefix` (every term for `""`). Walks the term list.
    public func termCount(withPrefix prefix: String) throws(XapianError) -> Int {
        var out: UInt64 = 0
        try call { hx_database_count_terms(handle, prefix, &out, &$0) }
        return Int(out)
    }

    /// Whether any document is indexed by `term`.
    public func termExists(_ term: String) throws(XapianError) -> Bool {
        var out: Int32 = 0
        try call { hx_database_term_exists(handle, term, &out, &$0) }
        return out != 0
    }

    /// The user metadata stored under `key`, decoded as UTF-8 (`""` when unset).
    public func metadata(_ key: String) throws(XapianError) -> String {
        try takeString { hx_database_get_metadata(handle, key, $0, $1, &$2) }
    }

    /// The raw user metadata bytes stored under `key` (empty when unset).
    public func metadataBytes(_ key: String) throws(XapianError) -> [UInt8] {
        try takeBytes { hx_database_get_metadata(handle, key, $0, $1, &$2) }
    }

    /// The user metadata keys that start with `prefix`, sorted.
    public func metadataKeys(prefix: String) throws(XapianError) -> [String] {
        try takeKeys { hx_database_metadata_keys(handle, prefix, $0, $1, &$2) }
    }

    /// Loads document `id` (data and values eagerly). Throws `DocNotFoundError` if absent.
    public func document(_ id: UInt32) throws(XapianError) -> Document {
        Document(handle: try make { hx_database_get_document(handle, id, &$0) })
    }

    /// All docids indexed by `term`, ascending.
    public func postings(_ term: String) throws(XapianError) -> [UInt32] {
        try takeDocids { hx_database_postlist(handle, term, $0, $1, &$2) }
    }
}
