import Foundation
internal import Xapian

/// Writes reports into the shards of a ``ShardList``: each document goes to the shard
/// ``ShardList/shard(forDocument:)`` picks from its id, so re-adding or deleting it finds it again.
///
/// With a single shard this is exactly an ``IndexWriter``. Remote shards are written through
/// `xapian-tcpsrv --writable`. Not thread-safe: use one writer from one task.
public final class ShardedWriter {
    /// The shards, in routing order.
    public let shards: ShardList
    /// One writer per shard, in the order of ``shards``.
    public private(set) var writers: [IndexWriter]
    private let timeouts: RemoteTimeouts
    private let segmenter: Segmenter

    /// Opens every shard for writing: local folders are created when missing.
    ///
    /// New shards get `folding`, or when it is nil the folding of the first shard (none for a new index);
    /// every shard must have the same, since one query is run on all of them.
    /// Throws ``ShardsUnavailableError`` when a remote shard does not answer, and the errors of
    /// ``IndexWriter/init(path:segmenter:folding:)`` otherwise.
    public init(shards: ShardList, timeouts: RemoteTimeouts = RemoteTimeouts(),
                segmenter: Segmenter = Segmenter(), folding: Folding? = nil) throws {
        self.shards = shards
        self.timeouts = timeouts
        self.segmenter = segmenter
        var writers: [IndexWriter] = []
        for shard in shards.shards {
            writers.append(try ShardedWriter.open(shard, timeouts: timeouts, segmenter: segmenter,
                                                  folding: folding ?? writers.first?.folding))
        }
        self.writers = writers
    }

    /// The gate that this process's searches hold commits back with (see ``CommitGate``), for every shard.
    public var commitGate: CommitGate? {
        get { writers[0].commitGate }
        set { for writer in writers { writer.commitGate = newValue } }
    }

    /// How the index folds characters (see ``Folding``): the same in every shard.
    public var folding: Folding { writers[0].folding }

    /// Opens one shard for writing.
    private static func open(_ shard: ShardLocation, timeouts: RemoteTimeouts, segmenter: Segmenter,
                             folding: Folding?) throws -> IndexWriter {
        switch shard {
        case .local(let path):
            return try IndexWriter(path: path, segmenter: segmenter, folding: folding)
        case .remote(let host, let port):
            let database: WritableDatabase
            do throws(XapianError) {
                database = try WritableDatabase(remoteHost: host, port: port,
                                                operationMilliseconds: timeouts.operationMilliseconds,
                                                connectMilliseconds: timeouts.connectMilliseconds)
            } catch {
                guard error.isNetworkError else {
                    throw HanSearchError.from(error, path: shard.description, action: "opening the shard for writing")
                }
                throw ShardsUnavailableError(shards: [shard], reason: error.message)
            }
            return try IndexWriter(path: shard.description, segmenter: segmenter, database: database, folding: folding)
        }
    }

    /// The writer of the shard that holds document `id`.
    public func writer(forDocument id: String) -> IndexWriter {
        writers[shards.shard(forDocument: id)]
    }

    /// Adds or replaces `report` in its shard. Returns the number of segments it was cut into.
    @discardableResult
    public func add(_ report: Report) throws(HanSearchError) -> Int {
        try writer(forDocument: report.id).add(report)
    }

    /// Adds or replaces the articles of a newspaper page, as ``IndexWriter/add(page:fileID:)`` does, each
    /// article in the shard of its own id (`<fileID>/<n>`), so that it can be fetched or deleted by that id.
    @discardableResult
    public func add(page: Page, fileID: String) throws(HanSearchError) -> [String] {
        if writers.count == 1 { return try writers[0].add(page: page, fileID: fileID) }
        let changes = IndexChange.changes(forPage: page, fileID: fileID)
        for change in try inOwnShards(changes).changes { _ = try writer(forDocument: change.documentID).apply(change) }
        return IndexChange.addedIDs(changes)
    }

    /// Deletes document `id` from its shard. Returns how many segments were removed.
    @discardableResult
    public func delete(documentID id: String) throws(HanSearchError) -> Int {
        try writer(forDocument: id).delete(documentID: id)
    }

    /// Reports added or deleted since the last commit, over all shards.
    public var pendingChanges: Int { writers.reduce(0) { $0 + $1.pendingChanges } }
    /// Reports added again exactly as their shard holds them, and so left alone, over all shards.
    public var unchangedReports: Int { writers.reduce(0) { $0 + $1.unchangedReports } }

    /// Commits every shard that has changes. Each shard's commit is atomic; across shards there is no
    /// common transaction (Xapian has none), so a failure can leave earlier shards committed.
    public func commit() throws(HanSearchError) {
        for writer in writers where writer.pendingChanges > 0 || writers.count == 1 {
            try writer.commit()
        }
    }

    /// Starts a batch on every shard (see ``IndexWriter/beginBatch()``).
    public func beginBatch() throws(HanSearchError) {
        for writer in writers { try writer.beginBatch() }
    }

    /// Commits the batch on every shard; each shard's batch is atomic, as with ``commit()``.
    public func commitBatch() throws(HanSearchError) {
        for writer in writers { try writer.commitBatch() }
    }

    /// Discards the uncommitted batch on every shard.
    public func cancelBatch() {
        for writer in writers { writer.cancelBatch() }
    }

    /// Closes every shard (committing pending changes); the first failure is thrown after all are closed.
    public func close() throws(HanSearchError) {
        var failure: HanSearchError?
        for writer in writers {
            do throws(HanSearchError) {
                try writer.close()
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
    }

    /// Applies `changes`, each in the shard of its document, as one transaction per shard (see
    /// ``IndexWriter/applyAtomically(_:)``), and returns the segment count of each change in order.
    ///
    /// Readers see each shard's part entirely or not at all; shards are committed one after the other,
    /// so a search running between two shard commits can see one shard's part without the other's.
    ///
    /// A remote shard whose connection broke (its server restarted) is reconnected once and the shard's
    /// part retried; when it does not answer, this throws ``ShardsUnavailableError`` naming it.
    public func applyAtomically(_ changes: [IndexChange]) throws -> [Int] {
        if writers.count == 1 { return try applyAtomically(changes, inShard: 0) }
        let (expanded, owner) = try inOwnShards(changes)
        var totals = [Int](repeating: 0, count: changes.count)
        for (position, count) in zip(owner, try applyAtomicallyPerShard(expanded)) { totals[position] += count }
        return totals
    }

    /// `changes` with each deletion of stale articles made one deletion per existing article, since each
    /// lives in the shard of its own id; `owner` holds the position in `changes` each change counts for.
    private func inOwnShards(_ changes: [IndexChange]) throws(HanSearchError) -> (changes: [IndexChange], owner: [Int]) {
        var expanded: [IndexChange] = []
        var owner: [Int] = []
        for (position, change) in changes.enumerated() {
            guard case .deleteArticles(let fileID, let from) = change else {
                expanded.append(change)
                owner.append(position)
                continue
            }
            var number = from
            while case let id = PageParser.articleID(fileID: fileID, number: number),
                  try writer(forDocument: id).segmentCount(ofDocument: id) > 0 {
                expanded.append(.delete(documentID: id))
                owner.append(position)
                number += 1
            }
        }
        return (expanded, owner)
    }

    /// ``applyAtomically(_:)`` for changes that each belong to one shard.
    private func applyAtomicallyPerShard(_ changes: [IndexChange]) throws -> [Int] {
        var positions = [[Int]](repeating: [], count: writers.count)
        for (position, change) in changes.enumerated() {
            positions[shards.shard(forDocument: change.documentID)].append(position)
        }
        var counts = [Int](repeating: 0, count: changes.count)
        for (shard, members) in positions.enumerated() where !members.isEmpty {
            let shardCounts = try applyAtomically(members.map { changes[$0] }, inShard: shard)
            for (position, count) in zip(members, shardCounts) { counts[position] = count }
        }
        return counts
    }
}

extension ShardedWriter {
    /// Applies `changes` in shard `shard` in one transaction, reconnecting a remote shard once.
    private func applyAtomically(_ changes: [IndexChange], inShard shard: Int) throws -> [Int] {
        do {
            return try writers[shard].applyAtomically(changes)
        } catch {
            guard shards.shards[shard].isRemote, SearchIndex.isShardFailure(error) else { throw error }
            writers[shard] = try ShardedWriter.open(shards.shards[shard], timeouts: timeouts, segmenter: segmenter,
                                                    folding: folding)
            return try writers[shard].applyAtomically(changes)
        }
    }
}

extension IndexChange {
    /// The document the change is about.
    public var documentID: String {
        switch self {
        case .add(let report): return report.id
        case .delete(let id): return id
        case .addArticle(_, let id, _): return id
        case .deleteArticles(let fileID, let from): return PageParser.articleID(fileID: fileID, number: from)
        }
    }
}
