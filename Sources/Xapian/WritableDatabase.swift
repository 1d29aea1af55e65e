import CXapian

/// A writable Xapian database. Only one writer may have a database open at a
/// time; a second one fails with `DatabaseLockError` (``XapianError/isLockError``).
///
/// Changes become visible to readers on ``commit()``. Not thread-safe.
public final class WritableDatabase {
    /// How to treat an existing (or missing) database when opening.
    public enum OpenMode: Sendable {
        /// Open an existing database, or create a new one.
        case createOrOpen
        /// Create a new database; fail if one exists.
        case create
        /// Create a new database, replacing any existing one.
        case createOrOverwrite
        /// Open an existing database; fail if none exists.
        case open

        var raw: Int32 {
            switch self {
            case .createOrOpen: Int32(HX_DB_CREATE_OR_OPEN)
            case .create: Int32(HX_DB_CREATE)
            case .createOrOverwrite: Int32(HX_DB_CREATE_OR_OVERWRITE)
            case .open: Int32(HX_DB_OPEN)
            }
        }
    }

    /// Xapian's `DB_*` flags.
    public struct Flags: OptionSet, Sendable {
        /// The raw Xapian flag bits.
        public let rawValue: Int32
        /// Creates flags from raw Xapian flag bits.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// Don't fsync on commit (faster, not crash-safe): `DB_NO_SYNC`.
        public static let noSync = Flags(rawValue: Int32(HX_DB_NO_SYNC))
        /// Use the strongest available sync (F_FULLSYNC): `DB_FULL_SYNC`.
        public static let fullSync = Flags(rawValue: Int32(HX_DB_FULL_SYNC))
        /// Don't create a termlist table (smaller; but deleting or replacing existing
        /// documents and reading document termlists then fail): `DB_NO_TERMLIST`.
        public static let noTermlist = Flags(rawValue: Int32(HX_DB_NO_TERMLIST))
        /// Wait for the write lock instead of failing with `DatabaseLockError`: `DB_RETRY_LOCK`.
        public static let retryLock = Flags(rawValue: Int32(HX_DB_RETRY_LOCK))
        /// Create a glass database (the default backend in 1.4): `DB_BACKEND_GLASS`.
        public static let backendGlass = Flags(rawValue: Int32(HX_DB_BACKEND_GLASS))
        /// Use an in-memory database (path ignored; for tests): `DB_BACKEND_INMEMORY`.
        public static let backendInMemory = Flags(rawValue: Int32(HX_DB_BACKEND_INMEMORY))
    }

    let handle: OpaquePointer
    /// A read view sharing this database's state, for operations only `Database` offers.
    private let reader: OpaquePointer

    /// Opens (or creates, per `mode`) the database at `path` for writing.
    public convenience init(path: String, mode: OpenMode = .createOrOpen, flags: Flags = []) throws(XapianError) {
        try self.init(adopting: try make { hx_writable_database_open(path, mode.raw | flags.rawValue, &$0) })
    }

    /// Takes ownership of an open C handle (freed on failure too).
    init(adopting handle: OpaquePointer) throws(XapianError) {
        do {
            reader = try make { hx_writable_database_as_database(handle, &$0) }
        } catch {
            hx_writable_database_free(handle)
            throw error
        }
        self.handle = handle
    }

    deinit {
        hx_database_free(reader)
        hx_writable_database_free(handle)
    }

    /// Adds `doc` and returns its new docid.
    @discardableResult
    public func addDocument(_ doc: Document) throws(XapianError) -> UInt32 {
        var id: UInt32 = 0
        try call { hx_writable_database_add_document(handle, doc.handle, &id, &$0) }
        return id
    }

    /// Replaces the document(s) indexed by `uniqueTerm` with `doc` (adding it if none),
    /// returning its docid. `doc` should itself contain `uniqueTerm`.
    @discardableResult
    public func replaceDocument(uniqueTerm: String, with doc: Document) throws(XapianError) -> UInt32 {
        var id: UInt32 = 0
        try call { hx_writable_database_replace_document_by_term(handle, uniqueTerm, doc.handle, &id, &$0) }
        return id
    }

    /// Replaces (or sets) the document with docid `id`.
    public func replaceDocument(_ id: UInt32, with doc: Document) throws(XapianError) {
        try call { hx_writable_database_replace_document(handle, id, doc.handle, &$0) }
    }

    /// Deletes every document indexed by `term`.
    public func deleteDocuments(term: String) throws(XapianError) {
        try call { hx_writable_database_delete_documents_by_term(handle, term, &$0) }
    }

    /// Deletes document `id`; throws `DocNotFoundError` if absent.
    public func deleteDocument(_ id: UInt32) throws(XapianError) {
        try call { hx_writable_database_delete_document(handle, id, &$0) }
    }

    /// Commits pending changes, making them visible to readers.
    public func commit() throws(XapianError) {
        try call { hx_writable_database_commit(handle, &$0) }
    }

    /// Begins a transaction. A flushed transaction commits pending changes first and
    /// commits on ``commitTransaction()``; an unflushed one just groups changes.
    public func beginTransaction(flushed: Bool = true) throws(XapianError) {
        try call { hx_writable_database_begin_transaction(handle, flushed ? 1 : 0, &$0) }
    }

    /// Ends the current transaction, keeping its changes.
    public func commitTransaction() throws(XapianError) {
        try call { hx_writable_database_commit_transaction(handle, &$0) }
    }

    /// Ends the current transaction, discarding its changes.
    public func cancelTransaction() throws(XapianError) {
        try call { hx_writable_database_cancel_transaction(handle, &$0) }
    }

    /// Number of documents, including uncommitted changes.
    public func documentCount() throws(XapianError) -> Int {
        var out: UInt32 = 0
        try call { hx_writable_database_get_doccount(handle, &out, &$0) }
        return Int(out)
    }

    /// The highest docid used so far.
    public func lastDocumentID() throws(XapianError) -> UInt32 {
        var out: UInt32 = 0
        try call { hx_writable_database_get_lastdocid(handle, &out, &$0) }
        return out
    }

    /// Whether any document is indexed by `term`.
    public func termExists(_ term: String) throws(XapianError) -> Bool {
        var out: Int32 = 0
        try call { hx_writable_database_term_exists(handle, term, &out, &$0) }
        return out != 0
    }

    /// Number of documents indexed by `term`.
    public func termFrequency(_ term: String) throws(XapianError) -> Int {
        var out: UInt32 = 0
        try call { hx_writable_database_get_termfreq(handle, term, &out, &$0) }
        return Int(out)
    }

    /// The user metadata stored under `key`, decoded as UTF-8 (`""` when unset).
    public func metadata(_ key: String) throws(XapianError) -> String {
        try takeString { hx_writable_database_get_metadata(handle, key, $0, $1, &$2) }
    }

    /// Stores user metadata `value` under `key` (an empty value deletes the key).
    /// Takes effect with the next commit.
    public func setMetadata(_ value: String, forKey key: String) throws(XapianError) {
        var v = value
        var err: CError = nil
        let status = v.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { c in
                hx_writable_database_set_metadata(handle, key, c.baseAddress, c.count, &err)
            }
        }
        if status != 0 { throw XapianError(consuming: err) }
    }

    /// The user metadata keys that start with `prefix`, sorted (including uncommitted changes).
    public func metadataKeys(prefix: String) throws(XapianError) -> [String] {
        try takeKeys { hx_database_metadata_keys(reader, prefix, $0, $1, &$2) }
    }

    /// All docids indexed by `term`, ascending (including uncommitted changes).
    public func postings(_ term: String) throws(XapianError) -> [UInt32] {
        try takeDocids { hx_database_postlist(reader, term, $0, $1, &$2) }
    }

    /// Loads document `id` (data and values eagerly). Throws `DocNotFoundError` if absent.
    public func document(_ id: UInt32) throws(XapianError) -> Document {
        Document(handle: try make { hx_database_get_document(reader, id, &$0) })
    }

    /// Commits pending changes (unless in a transaction) and closes the database,
    /// releasing the write lock. Later operations throw.
    public func close() throws(XapianError) {
        try call { hx_writable_database_close(handle, &$0) }
    }
}
