import Foundation
internal import Xapian

/// Search results over shards, some of which may have been left out.
public struct ShardedSearchResults: Sendable, Equatable {
    /// The results from the shards that answered.
    public var results: SearchResults
    /// The shards that did not answer and whose matches are missing; empty for a complete answer.
    public var missingShards: [ShardLocation]
}

/// Per-shard figures of a sharded index, and their sum.
public struct ShardedStats: Sendable, Equatable {
    /// Each shard with its figures, in routing order.
    public var shards: [(location: ShardLocation, stats: IndexStats)]
    /// Documents, segments and bytes summed over the shards; terms are the distinct terms of all shards
    /// together (a term present in two shards counts once).
    public var total: IndexStats

    public static func == (lhs: ShardedStats, rhs: ShardedStats) -> Bool {
        lhs.total == rhs.total && lhs.shards.map(\.location) == rhs.shards.map(\.location)
            && lhs.shards.map(\.stats) == rhs.shards.map(\.stats)
    }
}

extension SearchIndex {
    /// Opens all shards again, after a remote shard failed (a Xapian remote connection that broke stays
    /// broken). Throws ``ShardsUnavailableError`` when one still does not answer.
    public func reconnect() throws {
        database = try shards.openDatabase(timeouts: timeouts)
    }

    /// Opens the index named by an `--index` value: a single folder exactly as ``init(path:)`` does, a
    /// shard list (see ``ShardList/init(parsing:)``) as ``init(shards:timeouts:)`` does.
    public static func open(location: String, timeouts: RemoteTimeouts = RemoteTimeouts()) throws -> SearchIndex {
        let shards = try ShardList(parsing: location)
        if shards.isSingleFolder { return try SearchIndex(path: location) }
        return try SearchIndex(shards: shards, timeouts: timeouts)
    }

    /// Runs `body` on this index, recovering from a failed remote shard when it can.
    ///
    /// When a remote shard fails, each remote shard is probed with a fresh connection (bounded by the
    /// connect timeout). If all answer, the failure was a dropped connection (a restarted server): the
    /// shards are reconnected and `body` runs again. Otherwise this throws ``ShardsUnavailableError``
    /// naming the shards that are down; the next call tries them all again.
    public func withShardRecovery<T>(_ body: (SearchIndex) throws -> T) throws -> T {
        do {
            return try body(self)
        } catch let error as ShardsUnavailableError {
            // Raised by a fresh connection (opening, reconnecting, probing): already the verdict.
            throw error
        } catch let error where SearchIndex.isShardFailure(error) {
            let down = shards.unreachable(timeouts: timeouts)
            guard down.isEmpty else { throw ShardsUnavailableError(shards: down, reason: SearchIndex.reason(error)) }
            try reconnect()
            return try body(self)
        }
    }

    /// Searches `query` over all shards (see ``withShardRecovery(_:)``). When shards are down, with
    /// `allowPartial` false this throws ``ShardsUnavailableError``; with `allowPartial` true it searches
    /// the live shards and lists the missing ones in the result (it still throws when none is live).
    public func search(_ query: String, options: SearchOptions = SearchOptions(),
                       allowPartial: Bool) throws -> ShardedSearchResults {
        do {
            return try withShardRecovery {
                ShardedSearchResults(results: try $0.search(query, options: options), missingShards: [])
            }
        } catch let unavailable as ShardsUnavailableError where allowPartial {
            let live = shards.shards.filter { !unavailable.shards.contains($0) }
            guard !live.isEmpty else { throw unavailable }
            // The live shards only, opened for this request: this handle stays as it is, and the
            // next request tries every shard again.
            let partial = try SearchIndex(shards: try ShardList(live), timeouts: timeouts)
            partial.parser = parser
            partial.titleWeight = titleWeight
            partial.oneRankedPassLimit = oneRankedPassLimit
            return ShardedSearchResults(results: try partial.search(query, options: options),
                                        missingShards: unavailable.shards)
        }
    }

    /// The figures of each shard on its own and of all together. Remote shards report no size (0 bytes).
    public func shardStats() throws -> ShardedStats {
        var perShard: [(location: ShardLocation, stats: IndexStats)] = []
        for shard in shards.shards {
            let index = try SearchIndex(shards: try ShardList([shard]), timeouts: timeouts)
            var stats = try index.stats()
            stats.sizeBytes = shard.isRemote ? 0 : IndexStats.folderSize(shard.description)
            perShard.append((shard, stats))
        }
        var total = try stats()
        total.documents = perShard.reduce(0) { $0 + $1.stats.documents }
        total.segments = perShard.reduce(0) { $0 + $1.stats.segments }
        total.sizeBytes = perShard.reduce(0) { $0 + $1.stats.sizeBytes }
        total.lastCommit = perShard.compactMap(\.stats.lastCommit).max()
        return ShardedStats(shards: perShard, total: total)
    }

    /// ``stats()`` for an unsharded index; the ``ShardedStats/total`` of ``shardStats()`` for a sharded one.
    public func totalStats() throws -> IndexStats {
        shards.isSingleFolder ? try stats() : try shardStats().total
    }

    /// Whether `error` means that a remote shard failed (refused, closed, or timed out).
    static func isShardFailure(_ error: Error) -> Bool {
        switch error {
        case is ShardsUnavailableError: return true
        case HanSearchError.unavailable: return true
        case let xapian as XapianError: return xapian.isNetworkError
        default: return false
        }
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case let error as ShardsUnavailableError: return error.reason
        case HanSearchError.unavailable(_, let message): return message
        default: return "\(error)"
        }
    }
}
