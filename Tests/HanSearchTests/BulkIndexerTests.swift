import Foundation
import HanSearchTestSupport
import Testing
import Xapian
@testable import HanSearch

@Suite("Bulk builds", .removingTemporaryFolders)
struct BulkIndexerTests {
    /// Every segment of the index at `path` by docid: its id and its data, decompressed.
    func segments(_ path: String) throws -> [UInt32: (id: String, data: String)] {
        let database = try Database(path: path)
        let decoder = SegmentDataDecoder(dictionaries: try DataDictionary.stored(in: database).map { [$0] } ?? [])
        var result: [UInt32: (id: String, data: String)] = [:]
        for docid in try database.postings("") {
            let data = try decoder.json(database.document(docid).value(slot: Schema.dataSlot))
            result[docid] = (try StoredSegment.segment(data: data, decoder: JSONDecoder()).id, String(decoding: data, as: UTF8.self))
        }
        return result
    }

    /// The ids of the segments of `database` (read by ``segments(_:)``) that hold `term`.
    func segmentIDs(holding term: String, in database: Database, _ segments: [UInt32: (id: String, data: String)]) throws -> Set<String> {
        Set(try database.postings(term).map { segments[$0]!.id })
    }

    @Test("a bulk build of the dev corpus holds exactly the documents that IndexWriter writes, without a term list")
    func sameDocumentsAsIndexWriter() throws {
        let reports = Array(try TestSupport.reports(inJSONLines: TestSupport.devCorpusPath).prefix(300))
        let writtenPath = try TestSupport.index(reports)
        // Small shards, so that each worker writes several and the merge renumbers many.
        let bulkPath = try TestSupport.index(reports, bulk: BulkIndexer.Options(workers: 3, shardBytes: 32 << 10))
        let (written, bulk) = (try segments(writtenPath), try segments(bulkPath))
        #expect(written.count > 1_000)
        #expect(Set(bulk.values.map(\.id)).count == bulk.count, "no segment twice")
        #expect(Dictionary(uniqueKeysWithValues: bulk.values.map { ($0.id, $0.data) })
                == Dictionary(uniqueKeysWithValues: written.values.map { ($0.id, $0.data) }))
        // The bulk build has no term list to read back, so its postings are compared term by term.
        #expect(!FileManager.default.fileExists(atPath: bulkPath + "/termlist.glass"))
        #expect(FileManager.default.fileExists(atPath: writtenPath + "/termlist.glass"))
        let (writtenDatabase, bulkDatabase) = (try Database(path: writtenPath), try Database(path: bulkPath))
        var holders: [String: Set<String>] = [:]
        for (docid, segment) in written {
            for entry in try writtenDatabase.document(docid).termList { holders[entry.term, default: []].insert(segment.id) }
        }
        #expect(try bulkDatabase.termCount(withPrefix: "") == holders.count)
        let differing = try holders.filter { term, ids in try segmentIDs(holding: term, in: bulkDatabase, bulk) != ids }
        #expect(differing.isEmpty, "\(differing.keys.prefix(5))")
        #expect(try bulkDatabase.metadata(Schema.analyzerVersionKey) == Schema.analyzerVersion)
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
