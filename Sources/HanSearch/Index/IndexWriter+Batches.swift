import Foundation
internal import Xapian

extension IndexWriter {
    /// Starts a batch of changes that ``commitBatch()`` makes durable and visible all at once.
    ///
    /// Plain ``commit()`` is not enough for that: Xapian also flushes on its own once a writer has
    /// changed `XAPIAN_FLUSH_THRESHOLD` documents (10,000 by default; every segment is one), which would
    /// commit the first part of a large batch, and a crash then would leave the index holding part of a
    /// batch — possibly part of a document's segments. Inside a transaction Xapian never flushes early.
    /// The transaction is flushed: what was pending before it (such as a new index's analyzer version)
    /// is committed first.
    public func beginBatch() throws(HanSearchError) {
        try HanSearchError.catching(path: path, action: "starting a batch") {
            try database.beginTransaction(flushed: true)
        }
    }

    /// Commits the batch that ``beginBatch()`` started, atomically, and records the commit time.
    public func commitBatch() throws(HanSearchError) {
        try HanSearchError.catching(path: path, action: "committing") {
            try database.setMetadata(ISO8601DateFormatter().string(from: Date()), forKey: Schema.lastCommitKey)
            try gated { try database.commitTransaction() }
        }
        pendingChanges = 0
    }

    /// Discards the changes of the batch that ``beginBatch()`` started.
    public func cancelBatch() {
        try? database.cancelTransaction()
        rereadDeletedSegments()
        pendingChanges = 0
    }
}
