import ArgumentParser
import HanSearch

extension IndexLocation {
    /// A list that does not parse is a usage error, answered with the subcommand's usage.
    func validate() throws {
        do {
            _ = try ShardList(parsing: index)
        } catch {
            throw ValidationError("--index: \(error)")
        }
    }

    /// The shards named by `--index` (a single folder is a list of one).
    func shardList() throws -> ShardList {
        try ShardList(parsing: index)
    }

    /// `--shard-timeout` for connecting and for each operation on a remote shard.
    var timeouts: RemoteTimeouts { .milliseconds(shardTimeout) }

    /// The index (all its shards as one) for reading.
    func openSearchIndex() throws -> SearchIndex {
        try SearchIndex.open(location: index, timeouts: timeouts)
    }

    /// A writer routing each document to its shard; `folding` for a new index (nil: the index's own).
    func openWriter(folding: Folding?) throws -> ShardedWriter {
        try ShardedWriter(shards: try shardList(), timeouts: timeouts, folding: folding)
    }
}
