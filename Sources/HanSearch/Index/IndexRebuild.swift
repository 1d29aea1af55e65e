import Foundation
internal import Xapian

/// Builds an index again, in bulk, from the segments it stores, and puts the new folder in its place.
///
/// Updates of a bulk-built index keep the segments they replace or delete on disk, listed as deleted
/// (``DeletedSegments``); an index built by updates is about twice the size of a bulk build. A rebuild
/// reclaims both: only the visible segments are written, through ``BulkIndexer``, with the index's
/// folding and file states, so `watch` goes on where it was.
///
/// Safe to interrupt: the write lock is held from the start, nothing changes at `path` until the new
/// index is complete, and the two folders are then exchanged in one atomic rename. The old index is
/// removed last; an interrupted rebuild leaves it (or the unfinished new one) in
/// `<index>.rebuild-<pid>`, which the next rebuild removes.
public enum IndexRebuild {
    /// What a rebuild did.
    public struct Outcome: Sendable, Equatable {
        /// Documents in the rebuilt index.
        public var documents: Int
        /// Segments in the rebuilt index.
        public var segments: Int
        /// Xapian documents the old index held beyond them: replaced or deleted segments.
        public var reclaimedSegments: Int
        /// The index folder's size before and after, in bytes.
        public var bytesBefore: Int
        public var bytesAfter: Int
    }

    /// Rebuilds the index at `path` with `options` (workers and memory budget; the folding is the
    /// index's own). `progress` is called now and then with the segments written so far and the total.
    ///
    /// Throws ``HanSearchError/indexNotFound(path:)`` when there is no index at `path`,
    /// ``HanSearchError/indexLocked(path:)`` when another process writes to it (a running `hanserve`
    /// does), and ``HanSearchError/analyzerMismatch(path:found:expected:)`` for an index of another version
    /// (one of ``Schema/previousLayoutVersion`` is converted: its segment data is read from the document data).
    public static func rebuild(path: String, options: BulkIndexer.Options = BulkIndexer.Options(),
                               progress: (_ written: Int, _ total: Int) -> Void = { _, _ in })
        throws(HanSearchError) -> Outcome {
        // Read first: opening a folder that holds no index for writing would leave a lock file in it.
        let lock = try HanSearchError.catching(path: path, action: "opening the index for writing") {
            _ = try Database(path: path)
            return try Schema.openForWriting(path, mode: .open)
        }
        defer { try? lock.close() }
        BulkIndexer.removeAbandonedFolders(of: path, marker: rebuildMarker)
        let bytesBefore = IndexStats.folderSize(path)
        let rebuilt = path + rebuildMarker + "\(ProcessInfo.processInfo.processIdentifier)"
        let copied = try copy(from: path, holding: lock, to: rebuilt, options: options, progress: progress)
        try exchange(rebuilt, path)
        try? lock.close()
        try? FileManager.default.removeItem(atPath: rebuilt)
        return Outcome(documents: copied.documents, segments: copied.segments,
                       reclaimedSegments: copied.stored - copied.segments,
                       bytesBefore: bytesBefore, bytesAfter: IndexStats.folderSize(path))
    }

    private static let rebuildMarker = ".rebuild-"

    /// Bulk-builds at `target` the visible segments of the index at `path`, whose writer `lock` is. The
    /// index is read only now, under the lock, so that no commit can come after what is copied.
    /// Returns the documents and segments written, and the Xapian documents the index held.
    private static func copy(from path: String, holding lock: WritableDatabase, to target: String,
                             options: BulkIndexer.Options, progress: (Int, Int) -> Void)
        throws(HanSearchError) -> (documents: Int, segments: Int, stored: Int) {
        try HanSearchError.catching(path: path, action: "rebuilding the index") {
            let source = try Database(path: path)
            var options = options
            options.folding = try Schema.recordedFolding(analyzer: source.metadata(Schema.analyzerVersionKey),
                                                         fold: source.metadata(Schema.foldingKey),
                                                         documents: source.documentCount(), path: path,
                                                         acceptingPreviousLayout: true) ?? .none
            let deleted = try DeletedSegments(encoded: source.metadata(Schema.deletedKey))
            let docids = try source.postings("").filter { !deleted.contains($0) }
            let indexer = try BulkIndexer(path: target, options: options)
            indexer.fileStates = try FileState.all(in: lock)
            let stored = SegmentDataDecoder(dictionaries: try DataDictionary.stored(in: source).map { [$0] } ?? [])
            try indexer.train(on: sample(of: docids, in: source, decoder: stored))
            let decoder = JSONDecoder()
            var documents = Set<String>()
            for (number, docid) in docids.enumerated() {
                let segment = try StoredSegment.segment(data: stored.json(storedData(source.document(docid))), decoder: decoder)
                try indexer.add(segment)
                documents.insert(segment.doc)
                if number % 10_000 == 0 { progress(number, docids.count) }
            }
            try indexer.finish()
            progress(docids.count, docids.count)
            return (documents.count, docids.count, try source.documentCount())
        }
    }

    /// The stored data of a segment: in ``Schema/dataSlot``, or in the previous layout the document data.
    private static func storedData(_ document: Document) -> [UInt8] {
        let value = document.value(slot: Schema.dataSlot)
        return value.isEmpty ? document.data : value
    }

    /// The data of segments drawn at random from `docids`, up to ``DataDictionary/sampleBytes``: the
    /// new dictionary fits the whole index, not only its first reports.
    private static func sample(of docids: [UInt32], in source: Database, decoder: SegmentDataDecoder) throws -> [[UInt8]] {
        var samples: [[UInt8]] = []
        var bytes = 0
        for docid in docids.shuffled() where bytes < DataDictionary.sampleBytes {
            let data = try decoder.json(storedData(source.document(docid)))
            bytes += data.count
            samples.append(data)
        }
        return samples
    }

    /// Swaps the folders `a` and `b` in one step (Linux's `renameat2` with `RENAME_EXCHANGE`, which
    /// Swift's Glibc module does not declare), so that `b` is always a complete index.
    private static func exchange(_ a: String, _ b: String) throws(HanSearchError) {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else {
            throw .io(path: b, message: "this system cannot exchange two folders atomically (no renameat2)")
        }
        let renameExchange: UInt32 = 1 << 1
        let status = unsafeBitCast(symbol, to: RenameAt2.self)(AT_FDCWD, a, AT_FDCWD, b, renameExchange)
        guard status == 0 else {
            throw .io(path: b, message: "exchanging it with \(a): \(String(cString: strerror(errno)))")
        }
    }
}
