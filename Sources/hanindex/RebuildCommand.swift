import ArgumentParser
import Foundation
import HanSearch

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Build the index again from its own segments, reclaiming what updates left on disk.",
        discussion: """
            Updates of a bulk-built index keep the segments they replace or delete on disk, hidden (stats \
            shows them); an index built by updates is about twice the size of a bulk build. This builds \
            the index again in bulk from the segments it shows, with its fold and the file states that \
            watch resumes from, and puts it in place of the old one atomically: searches see the old \
            index or the new one, never a mix, and an interrupted rebuild leaves the old index as it was.
            It needs the index to itself: stop hanserve or watch first. One folder at a time: rebuild \
            each local shard by itself.
            """
    )

    @OptionGroup var location: IndexLocation
    @OptionGroup var bulk: BulkBuildOptions

    func run() throws {
        guard try location.shardList().isSingleFolder else {
            throw fail("rebuild takes one index folder, not the shards \(location.index): rebuild each local shard with its own --index")
        }
        setenv("XAPIAN_FLUSH_THRESHOLD", BulkIndexer.recommendedFlushThreshold, 1)
        let start = Date()
        let onTerminal = isatty(STDERR_FILENO) == 1
        let outcome = try IndexRebuild.rebuild(path: location.index, options: bulk.options) { written, total in
            guard onTerminal else { return }
            FileHandle.standardError.write(Data("\r\(written) of \(counted(total, "segment")) written ".utf8))
        }
        if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        print(String(format: "rebuilt %@: %@ (%@), %@ reclaimed, %@ → %@ in %.1f s",
                     location.index, counted(outcome.documents, "document"), counted(outcome.segments, "segment"),
                     counted(outcome.reclaimedSegments, "replaced or deleted segment"),
                     megabytes(outcome.bytesBefore), megabytes(outcome.bytesAfter), Date().timeIntervalSince(start)))
    }
}
