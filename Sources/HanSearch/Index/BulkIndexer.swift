import Foundation
internal import Xapian

/// Builds a new index from scratch, fast, within a memory budget.
///
/// How, and why each step pays (measured with `bench/run`):
/// - Reports are segmented on the caller's thread and handed in batches to worker threads (one per
///   core by default); each worker writes its own shards, temporary Xapian databases beside the index,
///   starting a new one every ``Options/shardBytes`` of text so that each stays small.
/// - A shard is new, so documents are added with `add_document`: no lookup of an earlier version of
///   each segment, as ``IndexWriter`` must do. Shards are written without syncing (`DB_NO_SYNC`) and
///   without a term list (`DB_NO_TERMLIST`): on real text it was a quarter of the index and of the build's
///   CPU. Updates of the index then list the segments they replace (``DeletedSegments``).
/// - Xapian buffers postings and positions in ordered maps until a flush. Small flushes are
///   cheaper per document than large ones (the maps stay in cache): on the benchmark corpus CPU time
///   fell by a quarter from Xapian's default of 10,000 documents to about 2,000 segments (256 KB of
///   text), and rose by a third at 30,000. Each worker therefore commits every ``commitBytes`` of
///   input, 256 KB, or less when the memory budget is too small for that (Xapian's own document-count
///   threshold, `XAPIAN_FLUSH_THRESHOLD`, is lifted by the executable: ``recommendedFlushThreshold``).
///   Peak memory thus depends on the number of workers and the budget, not on the corpus size.
/// - ``finish()`` merges the shards with Xapian's compaction: one sequential pass over each table,
///   writing full blocks (the index is about half the size of one built by updates) and syncing once.
///   The result replaces the (empty) index folder by a rename.
/// - A report whose id came earlier in the input is set aside (in a file, not in memory) and applied
///   after the merge with an ``IndexWriter``, replacing the earlier version as a normal run would.
///
/// Not thread-safe: call it from one thread. Nothing is visible at `path` until ``finish()`` returns.
public final class BulkIndexer {
    /// The `XAPIAN_FLUSH_THRESHOLD` for a process that runs bulk builds. Xapian flushes every that many
    /// documents (10,000 by default, tiny for segments); with this the workers decide when to commit
    /// instead. The variable holds for the whole process, so the executable sets it, before the build
    /// (Xapian reads it when a database is opened); without it a build is slower, not wrong.
    public static let recommendedFlushThreshold = "4000000000"

    /// Tuning knobs.
    public struct Options: Sendable {
        /// Worker threads, each writing one shard.
        public var workers: Int
        /// The memory the build may use, in bytes (approximately: Xapian's buffers are estimated).
        public var memoryBudget: Int
        /// How bodies are cut into segments.
        public var segmenter: Segmenter
        /// Input bytes (segment text and title) after which a worker starts a new shard.
        public var shardBytes: Int
        /// How the new index folds characters; recorded in it (see ``Folding``).
        public var folding: Folding

        /// Creates options; by default one worker per core, a 1 GiB budget, shards of
        /// ``BulkIndexer/defaultShardBytes`` and no folding.
        public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, memoryBudget: Int = 1 << 30,
                    segmenter: Segmenter = Segmenter(), shardBytes: Int = BulkIndexer.defaultShardBytes,
                    folding: Folding = .none) {
            self.workers = max(1, workers)
            self.memoryBudget = memoryBudget
            self.segmenter = segmenter
            self.shardBytes = max(1, shardBytes)
            self.folding = folding
        }
    }

    /// Memory Xapian holds per byte of segment text buffered until a commit (postings, positions and
    /// document data of bigram-indexed CJK text): 5.8 MB of the benchmark corpus held in one commit
    /// took the process to 419 MB.
    static let bufferBytesPerInputByte = 72
    /// Input bytes per commit when the budget allows: the cheapest flush size measured.
    static let preferredCommitBytes = 256 << 10
    /// Memory outside the workers' buffers: the program, the reader's file buffer, queued batches.
    static let fixedOverhead = 96 << 20
    /// The default ``Options/shardBytes``. Xapian's tables cost more to update as they
    /// grow; on the 20k-document corpus, shards of 4 MB of text took 11% less CPU time (mostly system
    /// time: 12.3 s down to 4.7 s) than one shard per worker, for a 2% larger merged index.
    public static let defaultShardBytes = 4 << 20
    /// Input bytes per batch handed to a worker.
    static let batchBytes = 64 << 10

    /// The index folder.
    public let path: String
    /// The options in use.
    public let options: Options
    /// Input bytes (segment text and title) after which a worker commits.
    public let commitBytes: Int
    private let scratch: String
    private let queue: BatchQueue
    private let workers: [ShardWorker]
    private let done = DispatchGroup()
    private var batch: [Segment] = []
    private var batchBytes = 0
    /// The dictionary the segment data is compressed with, once trained (nil after: too little data).
    private var dictionary: DataDictionary?
    /// The first segments, held back with their data until there are enough to train the dictionary on;
    /// nil once it is trained.
    private var heldBack: [(segment: Segment, data: [UInt8])]? = []
    private var heldBackBytes = 0
    /// Hashes of the document ids added so far: 8 bytes an id, whatever its length. A collision only
    /// sends a new report down the slower path for repeated ids, which is still correct.
    private var seen = Set<Int>()
    private var deferred: FileHandle?
    private var deferredCount = 0
    private var finished = false
    /// File states to store with the merge (see ``record(_:forFile:)``).
    var fileStates: [String: FileState] = [:]

    /// Whether `path` holds no index yet, or an empty one, so that a bulk build may create it.
    public static func canBuild(at path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return true }
        guard isDirectory.boolValue else { return false }
        if (try? FileManager.default.contentsOfDirectory(atPath: path))?.isEmpty == true { return true }
        guard let database = try? Database(path: path) else { return false }
        return (try? database.documentCount()) == 0
    }

    /// Starts a bulk build of a new index at `path`.
    ///
    /// Throws when `path` already holds documents (use ``IndexWriter`` to update an index), and
    /// ``HanSearchError/indexLocked(path:)`` when another process writes to it.
    public init(path: String, options: Options = Options()) throws(HanSearchError) {
        self.path = path
        self.options = options
        guard BulkIndexer.canBuild(at: path) else {
            throw .folderNotEmpty(path: path)
        }
        if FileManager.default.fileExists(atPath: path) {
            // An empty index: make sure nobody writes to it, since it will be replaced.
            _ = try HanSearchError.catching(path: path, action: "opening the index for writing") {
                try Schema.openForWriting(path, mode: .open).close()
            }
        }
        let buffers = max(options.memoryBudget - BulkIndexer.fixedOverhead, 16 << 20)
        commitBytes = max(min(buffers / options.workers / BulkIndexer.bufferBytesPerInputByte,
                              BulkIndexer.preferredCommitBytes), 16 << 10)
        BulkIndexer.removeAbandonedFolders(of: path, marker: ".bulk-")
        let scratch = path + ".bulk-\(ProcessInfo.processInfo.processIdentifier)"
        let queue = BatchQueue(capacity: options.workers * 2)
        self.scratch = scratch
        self.queue = queue
        do {
            try? FileManager.default.removeItem(atPath: scratch)
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        } catch {
            throw .io(error, path: scratch)
        }
        let commitBytes = self.commitBytes
        let shardBytes = options.shardBytes
        let folding = options.folding
        workers = (0..<options.workers).map { number in
            ShardWorker(folder: scratch, number: number, queue: queue, commitBytes: commitBytes,
                        shardBytes: shardBytes, folding: folding)
        }
        for worker in workers {
            done.enter()
            let group = done
            let thread = Thread {
                worker.run()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    deinit {
        if !finished {
            queue.fail()
            done.wait()
            try? FileManager.default.removeItem(atPath: scratch)
        }
    }

    /// Removes the folders `<index><marker><pid>` (`.bulk-` for a build's scratch) that interrupted runs
    /// left beside `path`: those whose process no longer runs.
    static func removeAbandonedFolders(of path: String, marker: String) {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + marker
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(prefix) {
            // The digits after the marker: a rebuild's scratch is `<index>.rebuild-<pid>.bulk-<pid>`.
            let digits = name.dropFirst(prefix.count).prefix(while: \.isNumber)
            guard let pid = Int32(String(digits)), pid != ProcessInfo.processInfo.processIdentifier,
                  kill(pid, 0) != 0 && errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: parent + "/" + name)
        }
    }

    /// Adds `report`. Returns the number of segments it was cut into.
    @discardableResult
    public func add(_ report: Report) throws(HanSearchError) -> Int {
        let segments = options.segmenter.segments(of: report)
        if !seen.insert(report.id.hashValue).inserted {
            try setAside(.report(report))
            return segments.count
        }
        try enqueue(segments)
        return segments.count
    }

    /// Adds the articles of a newspaper page read from the file `fileID`, with the ids that
    /// ``IndexWriter/add(page:fileID:)`` gives them. Returns the article ids.
    @discardableResult
    public func add(page: Page, fileID: String) throws(HanSearchError) -> [String] {
        var ids: [String] = []
        var articles: [[Segment]] = []
        for case .addArticle(let article, let id, let title) in IndexChange.changes(forPage: page, fileID: fileID) {
            ids.append(id)
            articles.append(options.segmenter.segments(of: article, id: id, title: title))
        }
        let next = PageParser.articleID(fileID: fileID, number: ids.count + 1)
        if (ids + [next]).contains(where: { seen.contains($0.hashValue) }) {
            try setAside(.page(page, fileID: fileID))
            return ids
        }
        seen.formUnion(ids.map(\.hashValue))
        for segments in articles { try enqueue(segments) }
        return ids
    }

    /// Waits for the workers, merges their shards into the index folder and applies the reports
    /// set aside. Returns the number of segments in the index.
    @discardableResult
    public func finish() throws(HanSearchError) -> Int {
        if let heldBack { try train(on: heldBack.map(\.data)) }
        if !batch.isEmpty { try flushBatch() }
        queue.close()
        done.wait()
        finished = true
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        if let error = workers.lazy.compactMap(\.error).first { throw error }
        let merged = scratch + "/merged"
        try HanSearchError.catching(path: path, action: "merging the shards") {
            let shards = try workers.flatMap(\.shards).map { try Database(path: $0) }
            if shards.isEmpty {
                let empty = try WritableDatabase(path: merged, mode: .create)
                try Schema.stamp(empty, folding: options.folding)
                try empty.close()
            } else {
                try Database(shards: shards).compact(to: merged)
            }
            try storeFileStates(in: merged)
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: merged, toPath: path)
        }
        if deferredCount > 0 { try applyDeferred() }
        return workers.reduce(0) { $0 + $1.segments }
    }

    /// Adds one segment as it is: for a rebuild, whose segments come from an index and so have unique ids.
    func add(_ segment: Segment) throws(HanSearchError) {
        try enqueue([segment])
    }

    /// Trains the dictionary that the segment data is compressed with on the segments of `reports`, a
    /// sample of the whole input (``CorpusReader/sample(of:count:)``), instead of on the first
    /// ``DataDictionary/sampleBytes`` of data added, which fit the rest less well. Call it before the first
    /// ``add(_:)``; without reports it does nothing.
    public func train(onSampleOf reports: [Report]) throws(HanSearchError) {
        guard !reports.isEmpty else { return }
        let builder = SegmentDocumentBuilder(folding: options.folding, dictionary: nil)
        try train(on: reports.flatMap { report in
            // A few segments of each report, spread over it, so that no long report fills the sample.
            let segments = options.segmenter.segments(of: report)
            let stride = max(1, segments.count / BulkIndexer.segmentsPerSampledReport)
            return Swift.stride(from: 0, to: segments.count, by: stride).map { builder.data(for: segments[$0]) }
        })
    }

    static let segmentsPerSampledReport = 32

    /// Trains the dictionary that the segment data is compressed with on `samples` (segment data as
    /// ``SegmentDocumentBuilder/data(for:)`` gives it), then lets the segments held back go to the workers.
    func train(on samples: [[UInt8]]) throws(HanSearchError) {
        guard let waiting = heldBack else { return }
        dictionary = DataDictionary.trained(on: samples)
        heldBack = nil
        try enqueue(waiting.map(\.segment))
    }

    private func enqueue(_ segments: [Segment]) throws(HanSearchError) {
        if heldBack != nil {
            let builder = SegmentDocumentBuilder(folding: options.folding, dictionary: nil)
            for segment in segments {
                let data = builder.data(for: segment)
                heldBackBytes += data.count
                heldBack?.append((segment, data))
            }
            if heldBackBytes >= DataDictionary.sampleBytes, let heldBack { try train(on: heldBack.map(\.data)) }
            return
        }
        for segment in segments {
            batchBytes += segment.text.utf8.count + segment.title.utf8.count
        }
        batch += segments
        if batchBytes >= BulkIndexer.batchBytes { try flushBatch() }
    }

    private func flushBatch() throws(HanSearchError) {
        let full = batch
        batch = []
        batch.reserveCapacity(full.count)
        if !queue.push(ShardBatch(segments: full, bytes: batchBytes, dictionary: dictionary)) {
            // The queue fails only after a worker recorded its error.
            throw workers.lazy.compactMap(\.error).first!
        }
        batchBytes = 0
    }

    /// An input item whose id came before; applied after the merge.
    enum Deferred: Codable {
        case report(Report)
        case page(Page, fileID: String)
    }

    private var deferredPath: String { scratch + "/deferred.jsonl" }

    private func setAside(_ item: Deferred) throws(HanSearchError) {
        do {
            if deferred == nil {
                _ = FileManager.default.createFile(atPath: deferredPath, contents: nil)
                deferred = try FileHandle(forWritingTo: URL(fileURLWithPath: deferredPath))
            }
            var line = try JSONEncoder().encode(item)
            line.append(0x0A)
            try deferred?.write(contentsOf: line)
            deferredCount += 1
        } catch {
            throw .io(error, path: deferredPath)
        }
    }

    /// Applies the items set aside, in input order, replacing the earlier versions.
    private func applyDeferred() throws(HanSearchError) {
        try? deferred?.close()
        let writer = try IndexWriter(path: path, segmenter: options.segmenter, folding: options.folding)
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: deferredPath))
        } catch {
            throw .io(error, path: deferredPath)
        }
        let decoder = JSONDecoder()
        try JSONLines.split([UInt8](bytes)[...]) { line, number throws(HanSearchError) in
            let item: Deferred
            do {
                item = try decoder.decode(Deferred.self, from: Data(line))
            } catch {
                // The build wrote this file itself: a line that does not decode is a document lost.
                throw .data(action: "reading line \(number) of \(deferredPath)", message: "\(error)")
            }
            switch item {
            case .report(let report): _ = try writer.add(report)
            case .page(let page, let fileID): _ = try writer.add(page: page, fileID: fileID)
            }
            return true
        }
        try writer.commit()
        try writer.close()
    }
}

/// Segments for a worker, with their input size and the dictionary to compress their data with.
struct ShardBatch: Sendable {
    var segments: [Segment]
    var bytes: Int
    var dictionary: DataDictionary?
}

/// A bounded queue of batches between the reading thread and the workers: a full queue blocks the
/// reader, so no more than `capacity` batches wait in memory.
final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [ShardBatch] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var failed = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds a batch, waiting while the queue is full. Returns false when a worker failed.
    func push(_ batch: ShardBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !failed { condition.wait() }
        guard !failed else { return false }
        items.append(batch)
        condition.broadcast()
        return true
    }

    /// The next batch, waiting for one; nil when the queue is closed and drained, or failed.
    func pop() -> ShardBatch? {
        condition.lock()
        defer { condition.unlock() }
        while items.count == head && !closed && !failed { condition.wait() }
        guard !failed, head < items.count else { return nil }
        let batch = items[head]
        head += 1
        if head > 64 {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return batch
    }

    /// No more batches will come.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops everything: waiting pushes return false, pops return nil.
    func fail() {
        condition.lock()
        failed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// One worker thread and the shards it writes.
final class ShardWorker: @unchecked Sendable {
    let folder: String
    let number: Int
    let queue: BatchQueue
    let commitBytes: Int
    let shardBytes: Int
    let folding: Folding
    /// Set by the worker thread before it ends; read after it ended.
    private(set) var error: HanSearchError?
    /// Segments written.
    private(set) var segments = 0
    /// The shards written, in order.
    private(set) var shards: [String] = []

    init(folder: String, number: Int, queue: BatchQueue, commitBytes: Int, shardBytes: Int, folding: Folding) {
        self.folder = folder
        self.number = number
        self.queue = queue
        self.commitBytes = commitBytes
        self.shardBytes = shardBytes
        self.folding = folding
    }

    /// Writes batches until the queue is drained, committing every ``commitBytes`` of input and
    /// starting a new shard every ``shardBytes``.
    func run() {
        do {
            try HanSearchError.catching(path: folder, action: "writing a shard") {
                // Every batch carries the same dictionary: none is pushed before it is trained.
                var builder: SegmentDocumentBuilder?
                var database: WritableDatabase?
                var pending = 0
                var inShard = 0
                while let batch = queue.pop() {
                    if database == nil { database = try openShard(dictionary: batch.dictionary) }
                    guard let shard = database else { break }
                    let documents = builder ?? SegmentDocumentBuilder(folding: folding, dictionary: batch.dictionary)
                    builder = documents
                    for segment in batch.segments {
                        try shard.addDocument(documents.document(for: segment))
                    }
                    segments += batch.segments.count
                    pending += batch.bytes
                    inShard += batch.bytes
                    if inShard >= shardBytes {
                        try close(shard)
                        database = nil
                        pending = 0
                        inShard = 0
                    } else if pending >= commitBytes {
                        try shard.commit()
                        pending = 0
                    }
                }
                if let database { try close(database) }
            }
        } catch {
            self.error = error
            queue.fail()
        }
    }

    private func openShard(dictionary: DataDictionary?) throws -> WritableDatabase {
        let path = "\(folder)/shard-\(number)-\(shards.count)"
        let database = try WritableDatabase(path: path, mode: .createOrOverwrite, flags: [.noSync, .noTermList])
        try Schema.stamp(database, folding: folding)
        try dictionary?.store(in: database)
        shards.append(path)
        return database
    }

    private func close(_ database: WritableDatabase) throws {
        try database.setMetadata(ISO8601DateFormatter().string(from: Date()), forKey: Schema.lastCommitKey)
        try database.commit()
        try database.close()
    }
}
