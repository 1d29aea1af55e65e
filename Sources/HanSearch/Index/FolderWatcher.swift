import Foundation

/// Keeps an index in step with a folder: each ``scan(into:now:)`` indexes the files that are new or
/// changed, removes the documents of deleted files, and says what it did.
///
/// A scan lists the folder's indexable files (as ``CorpusReader/files(in:)`` finds them) and compares
/// each one's size and modification time with the ``FileState`` the index recorded for it; only files
/// whose stamp differs are hashed, and only those whose content hash differs are read again. The states
/// are committed with the documents, so a new watcher over the same index (after a restart) re-indexes
/// nothing that did not change, and a watcher after `hanindex index` of the same folder neither.
///
/// A file still being written is left for a later scan: one whose stamp changed since the previous scan
/// and that was modified less than ``quietPeriod`` ago.
///
/// When two files hold documents with the same id, the file indexed last wins; a document is deleted
/// only when no file of the index holds its id any more, and when one file drops an id that another
/// file of the folder still holds, that other file is indexed again so that its version is the one kept.
///
/// Not thread-safe: use one watcher from one task, with the index's single writer.
public final class FolderWatcher {
    /// The folder, as given (file paths in events start with it).
    public let folder: String
    /// How long a file must have been left alone before a first look may index it, in seconds.
    public var quietPeriod: TimeInterval
    /// Reports per commit: a scan commits whenever this many are pending, and at its end.
    public var batchSize: Int
    /// The files of this folder as the index knows them, by relative path.
    public private(set) var states: [String: FileState]
    /// States of other folders' files, whose ids still count as held.
    private var otherStates: [String: FileState]
    private let folderKey: String
    private let reader = CorpusReader()
    /// The stamps that the previous scan saw of files it did not index.
    private var lastSeen: [String: FileStamp] = [:]
    /// Files already reported as not indexable, so that each is reported once.
    private var reported: Set<String> = []

    /// A watcher of `folder` for an index whose recorded file states are `states` (see
    /// ``ShardedWriter/fileStates()``).
    public init(folder: String, states: [String: FileState], quietPeriod: TimeInterval = 1, batchSize: Int = 2_000) {
        self.folder = folder
        self.quietPeriod = quietPeriod
        self.batchSize = max(1, batchSize)
        let key = FileState.folderKey(folder)
        folderKey = key
        self.states = states.filter { $0.value.folder == key }
        otherStates = states.filter { $0.value.folder != key }
    }

    /// A watcher of `folder` for the index that `writer` writes, with the states recorded in it.
    public convenience init(folder: String, writer: ShardedWriter, quietPeriod: TimeInterval = 1) throws(HanSearchError) {
        self.init(folder: folder, states: try writer.fileStates(), quietPeriod: quietPeriod)
    }

    /// Compares the folder with the recorded states: what to index, what to remove, what to wait for.
    /// Reads (hashes) only the files whose size or modification time changed.
    public func plan(now: Date = Date()) -> WatchPlan {
        var plan = WatchPlan()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            // Never read a vanished folder as "every file deleted": it may be an unmounted disk.
            plan.events.append(.failed(path: folder, message: "no such folder; nothing is removed from the index"))
            return plan
        }
        let (files, problems) = reader.files(in: [folder])
        for problem in problems where reported.insert(problem.location.file).inserted {
            let reason = problem.message.hasPrefix("skipped: ") ? String(problem.message.dropFirst(9)) : problem.message
            plan.events.append(.skipped(path: problem.location.file, reason: reason))
        }
        var present = Set<String>()
        var seen: [String: FileStamp] = [:]
        for file in files {
            present.insert(file.relativePath)
            guard let stamp = try? FileStamp(path: file.path) else { continue }  // vanished since listed
            let known = states[file.relativePath]
            if known?.stamp == stamp { continue }
            let settled = lastSeen[file.relativePath] == stamp || now.timeIntervalSince1970 - stamp.modified >= quietPeriod
            guard settled else {
                seen[file.relativePath] = stamp
                plan.waiting.append(file.relativePath)
                continue
            }
            do {
                let hash = try ContentHash.ofFile(file.path)
                if let known, known.hash == hash {
                    plan.touched[file.relativePath] = FileState(folder: folderKey, hash: hash, stamp: stamp,
                                                                ids: known.ids, problem: known.problem)
                } else {
                    plan.changed.append(WatchPlan.Change(file: file, stamp: stamp, hash: hash))
                }
            } catch {
                // Recorded as failed, with the documents it had: retried when it changes.
                plan.events.append(.failed(path: file.path, message: "\(error)"))
                plan.touched[file.relativePath] = FileState(folder: folderKey, hash: "", stamp: stamp,
                                                            ids: known?.ids ?? [], problem: "\(error)")
            }
        }
        lastSeen = seen
        plan.removed = states.keys.filter { !present.contains($0) }.sorted()
        reported = reported.filter { FileManager.default.fileExists(atPath: $0) }
        return plan
    }

    /// Applies `plan` through `writer`: changed files are indexed, deleted ones removed, and every
    /// file's state recorded with its documents. Returns what was done, in order, once it is committed;
    /// an empty plan commits nothing. On an index error nothing of the uncommitted batch is kept (the
    /// watcher's states stay as the index has them) and the error is thrown.
    ///
    /// Changes are committed every ``batchSize`` reports, even within a file, so memory stays bounded.
    /// A file's state is recorded after its last document: if a crash comes first, the index keeps the
    /// file's old state, and the next scan indexes the file again (replacing by id is idempotent).
    public func apply(_ plan: WatchPlan, to writer: ShardedWriter) throws(HanSearchError) -> [WatchEvent] {
        if plan.isEmpty { return plan.events }  // no commit: an idle folder does not touch the index
        var batch = Batch(committed: plan.events)
        try writer.beginBatch()
        do throws(HanSearchError) {
            for change in plan.changed {
                try index(change, with: writer, into: &batch)
            }
            for (path, state) in plan.touched { try record(state, for: path, writer, into: &batch) }
            for path in plan.removed {
                guard let state = states[path] else { continue }
                let removed = try drop(state.ids, of: path, keeping: [], with: writer, into: &batch)
                try record(nil, for: path, writer, into: &batch)
                batch.events.append(.removed(path: display(path), documents: removed))
            }
            for path in batch.refresh.subtracting(batch.indexed).sorted() {
                let file = folder + "/" + path
                guard let stamp = try? FileStamp(path: file), let hash = try? ContentHash.ofFile(file),
                      let format = reader.files(in: [file]).files.first?.format else { continue }
                try index(WatchPlan.Change(file: InputFile(path: file, relativePath: path, size: stamp.size, format: format),
                                           stamp: stamp, hash: hash), with: writer, into: &batch)
            }
            try commit(&batch, writer, again: false)
        } catch {
            writer.cancelBatch()
            throw error
        }
        return batch.committed
    }

    /// ``plan(now:)`` then ``apply(_:to:)``.
    public func scan(into writer: ShardedWriter, now: Date = Date()) throws(HanSearchError) -> [WatchEvent] {
        try apply(plan(now: now), to: writer)
    }

    /// What one ``apply(_:to:)`` does: the uncommitted states and events, moved to ``states`` and
    /// `committed` at each commit.
    private struct Batch {
        var states: [String: FileState?] = [:]
        var events: [WatchEvent] = []
        var committed: [WatchEvent] = []
        /// Files of the folder to index again because another file dropped an id they hold.
        var refresh: Set<String> = []
        var indexed: Set<String> = []
    }

    private func commit(_ batch: inout Batch, _ writer: ShardedWriter, again: Bool) throws(HanSearchError) {
        try writer.commitBatch()
        for (path, state) in batch.states { states[path] = state }
        batch.committed += batch.events
        batch.states = [:]
        batch.events = []
        if again { try writer.beginBatch() }
    }

    private func record(_ state: FileState?, for path: String, _ writer: ShardedWriter,
                        into batch: inout Batch) throws(HanSearchError) {
        try writer.record(state, forFile: path)
        batch.states[path] = .some(state)
    }

    /// The state of `path` as this batch leaves it.
    private func current(_ path: String, _ batch: Batch) -> FileState? {
        batch.states[path] ?? states[path]
    }

    /// Reads and indexes one file, deletes the documents it no longer has, and records its state.
    private func index(_ change: WatchPlan.Change, with writer: ShardedWriter,
                       into batch: inout Batch) throws(HanSearchError) {
        let started = Date()
        let path = change.file.relativePath
        let old = Set(current(path, batch)?.ids ?? [])
        let unchangedBefore = writer.unchangedReports
        var ids: [String] = []
        var problems: [InputProblem] = []
        var failure: HanSearchError?
        reader.read(change.file) { item in
            do throws(HanSearchError) {
                switch item {
                case .report(let report, _):
                    try writer.add(report)
                    ids.append(report.id)
                case .page(let page, let fileID, _):
                    ids += try writer.add(page: page, fileID: fileID)
                case .problem(let problem):
                    problems.append(problem)
                }
                if writer.pendingChanges >= batchSize { try commit(&batch, writer, again: true) }
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        var unique: [String] = []
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted { unique.append(id) }
        let removed = try drop(old.subtracting(seen), of: path, keeping: seen, with: writer, into: &batch)
        let problem = unique.isEmpty ? problems.first?.message : nil
        try record(FileState(folder: folderKey, hash: change.hash, stamp: change.stamp, ids: unique, problem: problem),
                   for: path, writer, into: &batch)
        batch.indexed.insert(path)
        if let problem {
            batch.events.append(.skipped(path: change.file.path, reason: problem))
            if removed > 0 { batch.events.append(.removed(path: change.file.path, documents: removed)) }
            return
        }
        batch.events += problems.map { .recordSkipped($0) }
        let new = unique.filter { !old.contains($0) }.count
        // Reports the file holds twice can be left alone the second time: never count more than were there.
        let unchanged = min(writer.unchangedReports - unchangedBefore, unique.count - new)
        batch.events.append(.indexed(path: change.file.path, documents: unique.count, new: new,
                                     updated: unique.count - new - unchanged, unchanged: unchanged, removed: removed,
                                     seconds: Date().timeIntervalSince(started)))
    }

    /// Deletes the documents `ids` that `path` no longer holds, except those another file holds (and
    /// those in `keeping`); files of this folder holding one are indexed again later in the batch.
    /// Returns the number of documents deleted.
    private func drop(_ ids: some Collection<String>, of path: String, keeping: Set<String>,
                      with writer: ShardedWriter, into batch: inout Batch) throws(HanSearchError) -> Int {
        guard !ids.isEmpty else { return 0 }
        var holders: [String: String] = [:]  // id → a file of this folder holding it
        var heldElsewhere = Set<String>()
        for other in Set(states.keys).union(batch.states.keys) where other != path {
            for id in current(other, batch)?.ids ?? [] { holders[id] = other }
        }
        for state in otherStates.values { heldElsewhere.formUnion(state.ids) }
        var removed = 0
        for id in ids where !keeping.contains(id) {
            if let holder = holders[id] {
                batch.refresh.insert(holder)
            } else if !heldElsewhere.contains(id), try writer.delete(documentID: id) > 0 {
                removed += 1
            }
        }
        return removed
    }

    private func display(_ relativePath: String) -> String {
        (folder as NSString).appendingPathComponent(relativePath)
    }
}

/// What a scan found to do; see ``FolderWatcher/plan(now:)``.
public struct WatchPlan: Sendable {
    /// A file to (re)index, with the stamp and hash taken before reading it.
    public struct Change: Sendable {
        /// The file.
        public var file: InputFile
        /// Its size and modification time.
        public var stamp: FileStamp
        /// Its content hash.
        public var hash: String
    }

    /// Files that are new or whose content changed.
    public var changed: [Change] = []
    /// Files whose stamp changed but not their content (or that could not be read): only their state is updated.
    public var touched: [String: FileState] = [:]
    /// Relative paths of files that are gone.
    public var removed: [String] = []
    /// Relative paths of files still being written, left for the next scan.
    public var waiting: [String] = []
    /// Files skipped or failed while planning.
    public var events: [WatchEvent] = []

    /// Whether applying the plan would change nothing.
    public var isEmpty: Bool { changed.isEmpty && touched.isEmpty && removed.isEmpty }
}

/// One thing a ``FolderWatcher`` did, described in one log line.
public enum WatchEvent: Sendable, Equatable, CustomStringConvertible {
    /// A file was indexed: how many documents it holds, of which new, changed (`updated`) and left alone as
    /// the index held them (`unchanged`), and how many it no longer holds were removed.
    case indexed(path: String, documents: Int, new: Int, updated: Int, unchanged: Int, removed: Int, seconds: Double)
    /// A deleted file's documents were removed.
    case removed(path: String, documents: Int)
    /// A file that cannot be indexed (unsupported, binary, empty); retried when it changes.
    case skipped(path: String, reason: String)
    /// A record of an indexed file was skipped.
    case recordSkipped(InputProblem)
    /// A file or the folder could not be read.
    case failed(path: String, message: String)

    public var description: String {
        switch self {
        case .indexed(let path, let documents, let new, let updated, let unchanged, let removed, let seconds):
            return String(format: "indexed %@: %d document%@ (%d new, %d updated%@), %d removed, %.1f s",
                          path, documents, documents == 1 ? "" : "s", new, updated,
                          unchanged > 0 ? ", \(unchanged) unchanged" : "", removed, seconds)
        case .removed(let path, let documents):
            return "removed \(path): \(documents) document\(documents == 1 ? "" : "s")"
        case .skipped(let path, let reason):
            return "skipped \(path): \(reason)"
        case .recordSkipped(let problem):
            return "skipped a record: \(problem)"
        case .failed(let path, let message):
            return "failed \(path): \(message)"
        }
    }
}
