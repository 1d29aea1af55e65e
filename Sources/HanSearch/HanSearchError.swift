import Xapian

/// Failures of the index itself, with messages that say what to do.
public enum HanSearchError: Error, CustomStringConvertible, Equatable {
    /// No index exists at the path.
    case indexNotFound(path: String)
    /// Another process holds the index's write lock.
    case indexLocked(path: String)
    /// The index was built by another analyzer version and must be rebuilt.
    case analyzerMismatch(path: String, found: String, expected: String)
    /// The index was built with one ``Folding`` and another was asked for (`hanindex index --fold`).
    case foldingMismatch(path: String, found: Folding, requested: Folding)
    /// A document id that the index does not hold.
    case documentNotFound(id: String)
    /// Xapian reported an error while doing `action`.
    case engine(action: String, XapianError)

    public var description: String {
        switch self {
        case .indexNotFound(let path):
            return "no index at \(path): build one with `hanindex index` (or give --index DIR)"
        case .indexLocked(let path):
            return "the index at \(path) is locked by another process (a running hanindex, or hanserve, "
                + "which holds the writer): wait for it, or add reports to the running server with POST /documents"
        case .analyzerMismatch(let path, let found, let expected):
            return "the index at \(path) was built by analyzer \(found.isEmpty ? "(unknown)" : found), "
                + "but this program uses \(expected): searches would be wrong, so the index must be rebuilt "
                + "(remove \(path) and run `hanindex index` again)"
        case .foldingMismatch(let path, let found, let requested):
            return "the index at \(path) was built with --fold \(found.rawValue), not --fold \(requested.rawValue): "
                + "the fold is chosen when an index is created; leave out --fold to add to this index, "
                + "or build a new one (another --index DIR, or remove \(path) first)"
        case .documentNotFound(let id):
            return "no document with id \"\(id)\""
        case .engine(let action, let error):
            return "\(action): \(error.type): \(error.message)"
        }
    }

    /// Maps a Xapian error raised while opening or using the index at `path`.
    static func from(_ error: XapianError, path: String, action: String) -> HanSearchError {
        if error.isLockError { return .indexLocked(path: path) }
        if error.isDatabaseNotFound { return .indexNotFound(path: path) }
        return .engine(action: action, error)
    }

    /// Runs `body`, turning any error it throws into a ``HanSearchError`` about the index at `path`.
    static func catching<T>(path: String, action: String, _ body: () throws -> T) throws(HanSearchError) -> T {
        do {
            return try body()
        } catch let error as HanSearchError {
            throw error
        } catch let error as XapianError {
            throw from(error, path: path, action: action)
        } catch {
            throw .engine(action: action, XapianError(type: "DataError", message: "\(error)"))
        }
    }
}
