import CXapian

/// A writable Xapian database. Only one writer may have a database open at a
/// time; a second one fails with `DatabaseLockError` (``XapianError/isLockError``).
///
/// Changes become visible to readers on ``commit()``; its own reads (``ReadableDatabase``) see them
/// before. Not thread-safe.
public final class WritableDatabase: ReadableDatabase {
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
        /// Keep no term list (`DB_NO_TERMLIST`): smaller and faster to write, but documents can then only be
        /// added, not replaced or deleted. Needed to open a database that was created without one.
        public static let noTermList = Flags(rawValue: Int32(HX_DB_NO_TERMLIST))
    }

    let handle: OpaquePointer

    /// Opens (or creates, per `mode`) the database at `path` for writing.
    public convenience init(path: String, mode: OpenMode = .createOrOpen, flags: Flags = []) throws(XapianError) {
        try self.init(adopting: try make { hx_writable_database_open(path, mode.raw | flags.rawValue, &$0) })
    }

    /// Takes ownership of an open C handle (freed on failure too), reading through a view of it.
    init(adopting handle: OpaquePointer) throws(XapianError) {
        let reader: OpaquePointer
        do {
            reader = try make { hx_writable_database_as_database(handle, &$0) }
        } catch {
            hx_writable_database_free(handle)
            throw error
        }
        self.handle = handle
        super.init(reader: reader)
    }

    deinit { hx_writable_database_free(handle) }

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

    /// Commits pending changes (unless in a transaction) and closes the database,
    /// releasing the write lock. Later operations throw.
    public func close() throws(XapianError) {
        try call { hx_writable_database_close(handle, &$0) }
    }
}
