import ArgumentParser
import Foundation
import HanSearch

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show documents, segments, terms and size on disk."
    )

    @OptionGroup var location: IndexLocation

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let shards = try location.shardList()
        guard !shards.isSingleFolder else { return show(location.index, try location.openSearchIndex().stats()) }
        let sharded = try location.openSearchIndex().shardStats()
        if json {
            let report = ShardedStatsReport(shards: sharded.shards.map { .init(shard: $0.location.description, stats: $0.stats) },
                                            total: sharded.total)
            print(try jsonString(report))
            return
        }
        for (number, shard) in sharded.shards.enumerated() {
            show("shard \(number + 1)/\(shards.count) \(shard.location)", shard.stats, remote: shard.location.isRemote)
            print()
        }
        show("total (\(shards.count) shards)", sharded.total, remote: shards.shards.contains(where: \.isRemote))
    }

    /// The note on segments that updates of a bulk-built index left on disk, when there are any.
    private func deleted(_ stats: IndexStats) -> String {
        stats.deletedSegments == 0 ? ""
            : " (and \(stats.deletedSegments) replaced or deleted ones on disk, hidden: `hanindex rebuild` reclaims them)"
    }

    private func show(_ name: String, _ stats: IndexStats, remote: Bool = false) {
        if json {
            print((try? jsonString(stats)) ?? "{}")
            return
        }
        print("""
            index:       \(name)
            documents:   \(stats.documents)
            segments:    \(stats.segments)\(deleted(stats))
            terms:       \(stats.terms)
            size:        \(megabytes(stats.sizeBytes))\(remote ? " (remote shards not measured)" : "")
            last commit: \(stats.lastCommit ?? "never")
            analyzer:    \(stats.analyzer)
            fold:        \(stats.fold.rawValue)
            """)
    }
}

/// `hanindex stats --json` for a sharded index: each shard and the total.
struct ShardedStatsReport: Encodable {
    struct Shard: Encodable {
        var shard: String
        var stats: IndexStats
    }
    var shards: [Shard]
    var total: IndexStats
}
