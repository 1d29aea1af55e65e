import Foundation
import HanSearchTestSupport
import Testing
import Xapian
@testable import HanSearch

@Suite("Bulk builds", .removingTemporaryFolders)
struct BulkIndexerTests {
    /// Every segment of the index at `path`, by segment id: its data and its terms with positions.
    func contents(_ path: String) throws -> [String: (data: String, terms: [TermListEntry])] {
        let database = try Database(path: path)
        var result: [String: (data: String, terms: [TermListEntry])] = [:]
        for docid in try database.postings("") {
            let document = try database.document(docid)
            let segment = try StoredSegment.segment(data: document.data, decoder: JSONDecoder())
            #expect(result[segment.id] == nil, "segment \(segment.id) is in the index twice")
            result[segment.id] = (String(decoding: document.data, as: UTF8.self), try document.termList)
        }
        return result
    }

    @Test("a bulk build of the dev corpus holds exactly the documents that IndexWriter writes")
    func sameDocumentsAsIndexWriter() throws {
        let reports = Array(try TestSupport.reports(inJSONLines: TestSupport.devCorpusPath).prefix(300))
        let written = try contents(TestSupport.index(reports))
        // Small shards, so that each worker writes several and the merge renumbers many.
        let bulkPath = try TestSupport.index(reports, bulk: BulkIndexer.Options(workers: 3, shardBytes: 32 << 10))
        let bulk = try contents(bulkPath)
        #expect(written.count > 1_000)
        #expect(Set(bulk.keys) == Set(written.keys))
        var differing = 0
        for (id, expected) in written {
            guard let found = bulk[id], found.data == expected.data, found.terms == expected.terms else {
                differing += 1
                continue
            }
        }
        #expect(differing == 0)
        #expect(try Database(path: bulkPath).metadata(Schema.analyzerVersionKey) == Schema.analyzerVersion)
    }

    @Test("a build of nothing gives an empty index with the analyzer version")
    func emptyBuild() throws {
        let path = try TestSupport.index([], bulk: BulkIndexer.Options(workers: 2))
        let database = try Database(path: path)
        #expect(try database.documentCount() == 0)
        #expect(try database.metadata(Schema.analyzerVersionKey) == Schema.analyzerVersion)
        #expect(try SearchIndex(path: path).search("内容").total == 0)
    }

    @Test("a repeated id replaces the earlier version, with no stale segments, as updates do")
    func repeatedIDs() throws {
        let path = try TestSupport.index([
            Report(id: "a", title: "旧", body: "第一段\n第二段\n第三段"),
            Report(id: "b", title: "乙", body: "其他内容"),
            Report(id: "a", title: "新", body: "只有一段"),
            Report(id: "b", title: "乙", body: "其他内容\n更多内容"),
        ], bulk: BulkIndexer.Options(workers: 2))
        let index = try SearchIndex(path: path)
        #expect(try index.segments(ofDocument: "a").map(\.text) == ["只有一段"])
        #expect(try index.segments(ofDocument: "a").map(\.title) == ["新"])
        #expect(try index.segments(ofDocument: "b").map(\.text) == ["其他内容", "更多内容"])
        #expect(try index.search("段").total == 1)
        #expect(try index.search("title:旧").total == 0)
        #expect(try index.documentIDs(matching: ParsedQuery.anywhere("内容")!) == ["b"])
    }

    @Test("a bulk build refuses a folder that holds an index with documents, and leaves it alone")
    func refusesExistingIndex() throws {
        let path = try TestSupport.index([Report(id: "a", title: "t", body: "内容")])
        #expect(!BulkIndexer.canBuild(at: path))
        #expect(throws: HanSearchError.self) { try BulkIndexer(path: path) }
        #expect(try SearchIndex(path: path).search("内容").total == 1)
        let empty = try TestSupport.index([])
        #expect(BulkIndexer.canBuild(at: empty))
        #expect(BulkIndexer.canBuild(at: temporaryPath()))
    }

    @Test("an abandoned build leaves no index and no scratch folder behind")
    func abandonedBuild() throws {
        let path = temporaryPath()
        do {
            let indexer = try BulkIndexer(path: path, options: BulkIndexer.Options(workers: 2))
            try indexer.add(Report(id: "a", title: "t", body: "内容"))
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
    }

    @Test("scratch folders of interrupted builds are removed; those of running builds are kept")
    func abandonedScratchRemoved() throws {
        let path = temporaryPath()
        let dead = path + ".bulk-\(Int32.max)"
        let alive = path + ".bulk-1"  // pid 1 always runs
        for folder in [dead, alive] {
            try FileManager.default.createDirectory(atPath: folder + "/shard-0-0", withIntermediateDirectories: true)
        }
        let indexer = try BulkIndexer(path: path, options: BulkIndexer.Options(workers: 1))
        try indexer.add(Report(id: "a", title: "t", body: "内容"))
        try indexer.finish()
        #expect(try SearchIndex(path: path).search("内容").total == 1)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: alive))
    }

    @Test("commits are small for speed, and smaller still when the memory budget requires it")
    func budgetSetsCommitCadence() throws {
        let small = try BulkIndexer(path: temporaryPath(),
                                    options: BulkIndexer.Options(workers: 2, memoryBudget: 256 << 20))
        let large = try BulkIndexer(path: temporaryPath(),
                                    options: BulkIndexer.Options(workers: 2, memoryBudget: 2 << 30))
        let tiny = try BulkIndexer(path: temporaryPath(),
                                   options: BulkIndexer.Options(workers: 2, memoryBudget: 100 << 20))
        #expect(small.commitBytes == BulkIndexer.preferredCommitBytes)
        #expect(large.commitBytes == BulkIndexer.preferredCommitBytes)
        #expect(tiny.commitBytes < small.commitBytes)
        #expect(tiny.commitBytes * 2 * BulkIndexer.bufferBytesPerInputByte <= 100 << 20)
        try tiny.finish()
        try small.finish()
        try large.finish()
    }
}
