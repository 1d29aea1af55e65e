import Crypto
import Foundation
internal import Xapian

/// What the index remembers about one input file: enough to tell, after a restart, whether the file
/// changed, and which documents to replace or delete when it does.
///
/// Stored as JSON in the index's user metadata under ``metadataPrefix`` + the file's path relative to
/// its folder, written in the same transaction as the file's documents, so the two never disagree
/// (for a sharded index: in the last shard, which ``ShardedWriter/commitBatch()`` commits last).
public struct FileState: Codable, Equatable, Sendable {
    /// The folder the file was found in, absolute (see ``folderKey(_:)``): files of other folders
    /// indexed into the same index are left alone by a watcher.
    public var folder: String
    /// The ``ContentHash`` of the contents that were indexed.
    public var hash: String
    /// Size and modification time when the file was hashed.
    public var stamp: FileStamp
    /// The ids of the documents the file produced.
    public var ids: [String]
    /// Why the file as a whole was not indexed (binary, empty, unreadable), if so. It is retried only
    /// when it changes.
    public var problem: String?

    /// Describes a file's indexed state.
    public init(folder: String, hash: String, stamp: FileStamp, ids: [String], problem: String? = nil) {
        self.folder = folder
        self.hash = hash
        self.stamp = stamp
        self.ids = ids
        self.problem = problem
    }

    /// The metadata key prefix of file states.
    public static let metadataPrefix = "hansearch.file:"

    /// `path` as an absolute path with symbolic links resolved, so that `corpus`, `./corpus` and
    /// `/srv/app/corpus` name the same folder.
    public static func folderKey(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The state of `file` (its folder from its path and relative path) as indexed now: stamp and hash
    /// are taken before the file is read, so that a change made while it is read shows up later.
    public static func observe(_ file: InputFile) throws -> (folder: String, stamp: FileStamp, hash: String) {
        let stamp = try FileStamp(path: file.path)
        let root = file.path.hasSuffix(file.relativePath) ? String(file.path.dropLast(file.relativePath.count)) : file.path
        return (folderKey(root.isEmpty ? "." : root), stamp, try ContentHash.ofFile(file.path))
    }

    /// Every file state stored in `database`, by relative path (undecodable entries are ignored).
    static func all(in database: WritableDatabase) throws(XapianError) -> [String: FileState] {
        var states: [String: FileState] = [:]
        let decoder = JSONDecoder()
        for key in try database.metadataKeys(prefix: metadataPrefix) {
            let json = try database.metadata(key)
            if let state = try? decoder.decode(FileState.self, from: Data(json.utf8)) {
                states[String(key.dropFirst(metadataPrefix.count))] = state
            }
        }
        return states
    }

    /// The state stored in `database` for the file at `relativePath`, if any.
    static func one(forFile relativePath: String, in database: WritableDatabase) throws(XapianError) -> FileState? {
        let json = try database.metadata(metadataPrefix + relativePath)
        return try? JSONDecoder().decode(FileState.self, from: Data(json.utf8))
    }

    /// Stores `state` for the file at `relativePath` in `database` (nil removes it); part of the
    /// current transaction.
    static func store(_ state: FileState?, forFile relativePath: String,
                      in database: WritableDatabase) throws(XapianError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = state.flatMap { try? encoder.encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        try database.setMetadata(json, forKey: metadataPrefix + relativePath)
    }
}

/// A file's size and modification time: a cheap test of whether it may have changed.
public struct FileStamp: Codable, Equatable, Sendable {
    /// Size in bytes.
    public var size: Int
    /// Modification time, seconds since 1970.
    public var modified: Double

    /// A stamp.
    public init(size: Int, modified: Double) {
        self.size = size
        self.modified = modified
    }

    /// The stamp of the file at `path` now; throws when there is none.
    public init(path: String) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        size = (attributes[.size] as? Int) ?? 0
        modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    }
}

/// The SHA-256 of a file's contents, written as 64 hex digits: tells an edited file from an unchanged one.
///
/// Indexes written before it hold 16-digit FNV-1a hashes, which no hash of this kind equals: such a file
/// is skipped while its stamp is unchanged, and read again once when the stamp changes.
public enum ContentHash {
    /// The hash of the file at `path`, read 1 MiB at a time.
    public static func ofFile(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputProblem(location: InputLocation(file: path), message: "cannot read the file (permissions?)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

extension ShardedWriter {
    /// The shard holding the file states: the last one, which ``commitBatch()`` commits after the others,
    /// so a state is never committed before the documents it describes.
    var stateWriter: IndexWriter { writers[writers.count - 1] }

    /// Every file state recorded in the index, by relative path.
    public func fileStates() throws(HanSearchError) -> [String: FileState] {
        let writer = stateWriter
        return try HanSearchError.catching(path: writer.path, action: "reading the file states") {
            try FileState.all(in: writer.database)
        }
    }

    /// The state recorded for the file at `relativePath`, if any.
    public func fileState(forFile relativePath: String) throws(HanSearchError) -> FileState? {
        let writer = stateWriter
        return try HanSearchError.catching(path: writer.path, action: "reading the state of \(relativePath)") {
            try FileState.one(forFile: relativePath, in: writer.database)
        }
    }

    /// Records `state` for the file at `relativePath` (nil forgets it) in the current batch.
    public func record(_ state: FileState?, forFile relativePath: String) throws(HanSearchError) {
        let writer = stateWriter
        try HanSearchError.catching(path: writer.path, action: "recording the state of \(relativePath)") {
            try FileState.store(state, forFile: relativePath, in: writer.database)
        }
    }
}

extension BulkIndexer {
    /// Records `state` for the file at `relativePath`: written into the index with the merge, in ``finish()``.
    public func record(_ state: FileState, forFile relativePath: String) {
        fileStates[relativePath] = state
    }

    /// Writes the recorded file states into the merged (not yet visible) index at `path`.
    func storeFileStates(in path: String) throws {
        guard !fileStates.isEmpty else { return }
        let database = try Schema.openForWriting(path, mode: .open)
        for (relativePath, state) in fileStates { try FileState.store(state, forFile: relativePath, in: database) }
        try database.commit()
        try database.close()
    }
}
