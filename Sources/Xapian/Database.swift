import CXapian

/// What a read-only database and a writable one both read, through a `Xapian::Database` handle (for a
/// writable database a read view of it, which sees its uncommitted changes). Not thread-safe.
public class ReadableDatabase {
    let reader: OpaquePointer

    init(reader: OpaquePointer) {
        self.reader = reader
    }

    deinit { hx_database_free(reader) }

    /// Number of documents.
    public func documentCount() throws(XapianError) -> Int {
        var out: UInt32 = 0
        try call { hx_database_get_doccount(reader, &out, &$0) }
        return Int(out)
    }

    /// Number of documents indexed by `term`.
    public func termFrequency(_ term: String) throws(XapianError) -> Int {
        var out: UInt32 = 0
        try call { hx_database_get_termfreq(reader, term, &out, &$0) }
        return Int(out)
    }

    /// Number of distinct terms that start with `prefix` (every term for `""`). Walks the term list.
    public func termCount(withPrefix prefix: String) throws(XapianError) -> Int {
        var out: UInt64 = 0
        try call { hx_database_count_terms(reader, prefix, &out, &$0) }
        return Int(out)
    }

    /// The user metadata stored under `key`, decoded as UTF-8 (`""` when unset).
    public func metadata(_ key: String) throws(XapianError) -> String {
        try takeString { hx_database_get_metadata(reader, key, $0, $1, &$2) }
    }

    /// The user metadata keys that start with `prefix`, sorted.
    public func metadataKeys(prefix: String) throws(XapianError) -> [String] {
        try takeKeys { hx_database_metadata_keys(reader, prefix, $0, $1, &$2) }
    }

    /// Loads document `id` (data and values eagerly). Throws `DocNotFoundError` if absent.
    public func document(_ id: UInt32) throws(XapianError) -> Document {
        Document(handle: try make { hx_database_get_document(reader, id, &$0) })
    }

    /// All docids indexed by `term`, ascending; every docid for `""`.
    public func postings(_ term: String) throws(XapianError) -> [UInt32] {
        try takeDocids { hx_database_postlist(reader, term, $0, $1, &$2) }
    }
}

/// A read-only Xapian database, possibly combining several shards.
///
/// A reader sees the revision that was current when it was opened (or last
/// reopened). If a writer commits often enough, reads may fail with
/// `DatabaseModifiedError` (``XapianError/isModified``): call ``reopen()`` and retry.
public final class Database: ReadableDatabase {
    /// Opens the database at `path` read-only.
    ///
    /// Throws `DatabaseNotFoundError` / `DatabaseOpeningError` when no database exists there.
    public init(path: String) throws(XapianError) {
        super.init(reader: try make { hx_database_open(path, &$0) })
    }

    /// Creates a database searching all of `shards` together (docids are interleaved
    /// as Xapian does for sharded databases). An empty array gives an empty database.
    public init(shards: [Database]) throws(XapianError) {
        super.init(reader: try make { hx_database_new_empty(&$0) })
        for shard in shards { try add(shard) }
    }

    /// Adds the shards of `shard` to this database.
    public func add(_ shard: Database) throws(XapianError) {
        try call { hx_database_add_database(reader, shard.reader, &$0) }
    }

    /// Moves to the latest committed revision; returns true if the database changed.
    @discardableResult
    public func reopen() throws(XapianError) -> Bool {
        var changed: Int32 = 0
        try call { hx_database_reopen(reader, &changed, &$0) }
        return changed != 0
    }

    /// Writes a compacted copy of all shards of this database to the new folder `path`: every table is
    /// rewritten in sorted order with full blocks (Xapian's `FULL`), so the copy is smaller and faster to
    /// read, and documents of later shards get docids after those of earlier shards.
    public func compact(to path: String) throws(XapianError) {
        try call { hx_database_compact(reader, path, UInt32(HX_COMPACT_FULL), 0, &$0) }
    }
}
