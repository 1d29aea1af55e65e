import Foundation
internal import Xapian

/// Failures of the index itself, with messages that say what to do. Match the cases; the messages
/// are for people and may change.
public enum HanSearchError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No index exists at the path.
    case indexNotFound(path: String)
    /// Another process holds the index's write lock.
    case indexLocked(path: String)
    /// A bulk build was asked for in a folder that holds documents or other files.
    case folderNotEmpty(path: String)
    /// Commits discarded the revision being read, on every try (``SearchIndex`` reads again before this).
    case modified(path: String)
    /// A remote shard did not answer, or its connection broke: `location` is the shard or the shard list.
    case unavailable(location: String, message: String)
    /// A file could not be created, read or written; `message` is the operating system's.
    case io(path: String, message: String)
    /// Data that does not decode: a stored document, or a file the index wrote for itself.
    case data(action: String, message: String)
    /// The index was built by another analyzer version and must be rebuilt.
    case analyzerMismatch(path: String, found: String, expected: String)
    /// The index was built with one ``Folding`` and another was asked for (`hanindex index --fold`).
    case foldingMismatch(path: String, found: Folding, requested: Folding)
    /// A document id that the index does not hold.
    case documentNotFound(id: String)
    /// Any other failure of the search engine while doing `action`: its error class (Xapian's, such as
    /// `"DatabaseCorruptError"`) and message.
    case engine(action: String, type: String, message: String)

    public var description: String {
        switch self {
        case .indexNotFound(let path):
            return "no index at \(path): build one with `hanindex index` (or give --index DIR)"
        case .indexLocked(let path):
            return "the index at \(path) is locked by another process (a running hanindex, or hanserve, "
                + "which holds the writer): wait for it, or add reports to the running server with POST /documents"
        case .folderNotEmpty(let path):
            return "\(path) holds an index with documents or other files: a bulk build needs a new or empty folder"
        case .modified(let path):
            return "the index at \(path) kept changing while it was read (each commit discarded the revision "
                + "being read): try again"
        case .unavailable(let location, let message):
            return "\(location) unavailable (\(message)): start xapian-tcpsrv there again"
        case .io(let path, let message):
            return "\(path): \(message)"
        case .data(let action, let message):
            return "\(action): the data does not decode: \(message)"
        case .analyzerMismatch(let path, let found, let expected) where found.hasPrefix(Schema.previousLayoutVersion):
            return "the index at \(path) has the previous layout (\(found)), but this program uses \(expected): "
                + "convert it with `hanindex rebuild --index \(path)`, which keeps its documents"
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
        case .engine(let action, let type, let message):
            return "\(action): \(type): \(message)"
        }
    }

    /// Maps a Xapian error raised while opening or using the index at `path`.
    static func from(_ error: XapianError, path: String, action: String) -> HanSearchError {
        if error.isLockError { return .indexLocked(path: path) }
        if error.isDatabaseNotFound { return .indexNotFound(path: path) }
        if error.isModified { return .modified(path: path) }
        if error.isNetworkError { return .unavailable(location: path, message: error.message) }
        return .engine(action: action, type: error.type, message: error.message)
    }

    /// A failed file operation on `path` (`error` as thrown by Foundation).
    static func io(_ error: Error, path: String) -> HanSearchError {
        .io(path: path, message: (error as NSError).localizedDescription)
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
            // What else the bodies throw is decoding what the index stored.
            throw .data(action: action, message: "\(error)")
        }
    }
}
