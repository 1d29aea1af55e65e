import Foundation
import HanSearchTestSupport
import Testing
import Xapian
@testable import HanSearch

@Suite("Rebuilding an index from its own segments", .removingTemporaryFolders)
struct IndexRebuildTests {
    static let reports = [
        Report(id: "a", title: "甲篇", body: "旧的内容第一段\n旧的内容第二段\n旧的内容第三段", date: "2021-01-02", source: "甲报"),
        Report(id: "b", title: "乙篇", body: "要删除的报告"),
        Report(id: "c", title: "丙篇", body: "留下的報告", authors: ["王"]),
    ]
    /// What the index shows after the updates in ``updated(bulk:folding:)``.
    static let final = [
        Report(id: "a", title: "甲篇", body: "新的内容", date: "2021-01-02", source: "甲报"),
        Self.reports[2],
        Report(id: "d", title: "丁篇", body: "后来的报告\n第二段"),
    ]
    static let queries = ["内容", "新的内容", "旧的内容", "报告", "報告", "的", "title:甲篇", "title:丙篇", "第二段", "要删除"]
    static let state = FileState(folder: "/srv/corpus", hash: "abc", stamp: FileStamp(size: 3, modified: 1),
                                 ids: ["a", "b", "c"])

    /// An index of ``reports`` (in bulk or by updates) with a file state, then a replace, a delete and an add.
    func updated(bulk: Bool, folding: Folding) throws -> String {
        let path = temporaryPath()
        if bulk {
            let indexer = try BulkIndexer(path: path, options: BulkIndexer.Options(workers: 2, folding: folding))
            for report in Self.reports { try indexer.add(report) }
            indexer.record(Self.state, forFile: "reports.jsonl")
            try indexer.finish()
        } else {
            let writer = try ShardedWriter(shards: ShardList(parsing: path), folding: folding)
            for report in Self.reports { try writer.add(report) }
            try writer.record(Self.state, forFile: "reports.jsonl")
            try writer.commit()
            try writer.close()
        }
        let writer = try IndexWriter(path: path)
        try writer.add(Self.final[0])
        try writer.delete(documentID: "b")
        try writer.add(Self.final[2])
        try writer.commit()
        try writer.close()
        return path
    }

    /// Each query's total and hits (segment, score rounded), and every document's segments.
    func answers(_ index: SearchIndex) throws -> [String] {
        var options = SearchOptions()
        options.limit = 20
        return try Self.queries.map { query in
            let results = try index.search(query, options: options)
            return "\(query): \(results.total) " + results.hits.map(\.id).sorted().joined(separator: ",")
        } + ["a", "b", "c", "d"].map { try "\($0): " + index.segments(ofDocument: $0).map(\.text).joined(separator: "|") }
    }

    @Test("a rebuild shows what the index showed, as a bulk build of the same reports does, and reclaims the rest",
          arguments: [(true, Folding.none), (false, Folding.variants)])
    func rebuild(bulk: Bool, folding: Folding) throws {
        let path = try updated(bulk: bulk, folding: folding)
        let before = try answers(SearchIndex(path: path))
        let metadataBefore = try Database(path: path).metadata(FileState.metadataPrefix + "reports.jsonl")
        let stored = try Database(path: path).documentCount()

        let outcome = try IndexRebuild.rebuild(path: path, options: BulkIndexer.Options(workers: 2))
        #expect(outcome.documents == 3)
        #expect(outcome.segments == 4)
        #expect(outcome.reclaimedSegments == stored - 4)
        #expect(outcome.reclaimedSegments == (bulk ? 4 : 0), "a bulk-built index listed a's three and b's one")
        #expect(outcome.bytesAfter == IndexStats.folderSize(path))

        let index = try SearchIndex(path: path)
        #expect(try answers(index) == before)
        let fresh = try TestSupport.index(Self.final, bulk: BulkIndexer.Options(workers: 1, folding: folding))
        #expect(try answers(index) == answers(SearchIndex(path: fresh)), "the same as a bulk build of what is left")
        let database = try Database(path: path)
        #expect(try database.documentCount() == 4)
        #expect(try database.metadata(Schema.deletedKey) == "")
        #expect(try database.metadata(Schema.foldingKey) == folding.rawValue)
        #expect(try database.metadata(FileState.metadataPrefix + "reports.jsonl") == metadataBefore)
        #expect(Schema.lacksTermList(path), "written as a bulk build")
        #expect(try index.stats().deletedSegments == 0)
        let beside = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(beside == ["index"], "nothing left beside the index")

        // The rebuilt index takes updates as a bulk-built one does.
        let writer = try IndexWriter(path: path)
        try writer.delete(documentID: "d")
        try writer.commit()
        try writer.close()
        #expect(try SearchIndex(path: path).search("后来的").total == 0)
    }

    @Test("a rebuild refuses a missing folder, a folder without an index and an index being written, changing nothing")
    func refusals() throws {
        let missing = temporaryPath()
        #expect(throws: HanSearchError.indexNotFound(path: missing)) { try IndexRebuild.rebuild(path: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing), "not created")
        let plain = temporaryPath()
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: plain + "/notes.txt"))
        #expect(throws: HanSearchError.indexNotFound(path: plain)) { try IndexRebuild.rebuild(path: plain) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: plain) == ["notes.txt"])

        let path = try updated(bulk: true, folding: .none)
        let before = try answers(SearchIndex(path: path))
        let writer = try IndexWriter(path: path)
        #expect(throws: HanSearchError.indexLocked(path: path)) { try IndexRebuild.rebuild(path: path) }
        try writer.close()
        #expect(try answers(SearchIndex(path: path)) == before)
        #expect(try SearchIndex(path: path).stats().deletedSegments == 4)
    }

    @Test("what an interrupted rebuild left beside the index is removed by the next one")
    func abandoned() throws {
        let path = try updated(bulk: true, folding: .none)
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let leftovers = ["\(path).rebuild-\(ended.processIdentifier)",
                         "\(path).rebuild-\(ended.processIdentifier).bulk-\(ended.processIdentifier)"]
        for folder in leftovers { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let running = "\(path).rebuild-1"  // init's: a process that runs
        try FileManager.default.createDirectory(atPath: running, withIntermediateDirectories: true)
        _ = try IndexRebuild.rebuild(path: path)
        #expect(leftovers.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(FileManager.default.fileExists(atPath: running), "a running process's folder is left alone")
    }

    @Test("hanindex index says when updates leave more replaced segments on disk than the index shows, not before")
    func reclaimNote() throws {
        let folder = temporaryPath("reports")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let index = (folder as NSString).deletingLastPathComponent + "/index"
        func write(_ body: String) throws {
            let lines = (1...4).map { #"{"id": "r\#($0)", "title": "报告\#($0)", "body": "\#(body)第\#($0)段"}"# }
            try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: folder + "/r.jsonl"))
        }
        try write("原来的内容")
        #expect(try CLI.run(["index", folder + "/r.jsonl", "--index", index]).status == 0)
        let again = try CLI.run(["index", folder + "/r.jsonl", "--index", index])
        #expect(again.status == 0 && again.stdout.contains("4 documents unchanged"), "\(again.stdout)")
        #expect(!again.stderr.contains("rebuild"), "nothing replaced: \(again.stderr)")
        try write("改过的内容")
        let changed = try CLI.run(["index", folder + "/r.jsonl", "--index", index])
        #expect(changed.status == 0, "\(changed.stderr)")
        #expect(changed.stderr.contains("keeps 4 replaced or deleted segments on disk, more than the 4 it shows: "
                                        + "`hanindex rebuild --index \(index)` reclaims them"), "\(changed.stderr)")
    }

    @Test("hanindex rebuild says what it reclaimed; stats then names nothing hidden; shards are refused")
    func command() throws {
        let path = try updated(bulk: true, folding: .none)
        #expect(try CLI.run(["stats", "--index", path]).stdout.contains("hanindex rebuild"))
        let rebuilt = try CLI.run(["rebuild", "--index", path, "--threads", "1"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(rebuilt.stdout.hasPrefix("rebuilt \(path): 3 documents (4 segments), 4 replaced or deleted segments reclaimed, "),
                "\(rebuilt.stdout)")
        let stats = try CLI.run(["stats", "--index", path])
        #expect(stats.stdout.contains("segments:    4\n"), "\(stats.stdout)")
        let other = try TestSupport.index(Self.final)
        let shards = try CLI.run(["rebuild", "--index", "\(path),\(other)"])
        #expect(shards.status == 1 && shards.stderr.contains("rebuild takes one index folder"), "\(shards.stderr)")
        let bad = try CLI.run(["rebuild", "--index", path, "--threads", "0"])
        #expect(bad.status == 64 && bad.stderr.contains("--threads must be at least 1"), "\(bad.stderr)")
    }
}
