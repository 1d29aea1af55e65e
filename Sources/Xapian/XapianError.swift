import CXapian

/// An error reported by Xapian, carrying Xapian's error class name and message.
///
/// Xapian 1.4 signals conditions callers commonly want to handle with
/// specific error classes; the convenience properties test for them:
/// ``isLockError`` (another writer holds the database lock),
/// ``isModified`` (a reader fell too far behind a writer — reopen and retry)
/// and ``isDatabaseNotFound``.
public struct XapianError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Xapian's error class name, e.g. `"DatabaseLockError"`,
    /// `"DatabaseModifiedError"`, `"DocNotFoundError"`, `"DatabaseOpeningError"`.
    /// Non-Xapian C++ exceptions are reported as `"std::exception"` or `"UnknownError"`.
    public let type: String
    /// Xapian's human-readable error message.
    public let message: String

    /// Creates an error with the given Xapian class name and message.
    public init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    /// `"type: message"`.
    public var description: String { "\(type): \(message)" }

    /// True when another writer holds the database's write lock (`DatabaseLockError`).
    public var isLockError: Bool { type == "DatabaseLockError" }

    /// True when a reader's revision was overwritten by a writer
    /// (`DatabaseModifiedError`); reopen the database and retry.
    public var isModified: Bool { type == "DatabaseModifiedError" }

    /// True when Xapian found a block or structure it did not expect (`DatabaseCorruptError`). A reader
    /// that reopens while a writer commits can see this for a block being rewritten, so a reopen may retry it.
    public var isCorrupt: Bool { type == "DatabaseCorruptError" }

    /// True when a database could not be opened because nothing usable exists
    /// at the path (`DatabaseNotFoundError` or `DatabaseOpeningError`).
    public var isDatabaseNotFound: Bool {
        type == "DatabaseNotFoundError" || type == "DatabaseOpeningError"
    }

    /// Takes ownership of a C error (freeing it).
    init(consuming err: UnsafeMutablePointer<hx_error>?) {
        guard let err else {
            self.init(type: "UnknownError", message: "operation failed without error details")
            return
        }
        defer { hx_error_free(err) }
        let type = err.pointee.type.map { String(cString: $0) } ?? "UnknownError"
        let message = err.pointee.message.map { String(cString: $0) } ?? ""
        self.init(type: type, message: message)
    }
}
