import Foundation
import HanSearchTestSupport
import Testing
import Xapian
@testable import HanSearch

@Suite("The list of deleted segments")
struct DeletedSegmentsListTests {
    @Test("inserts merge into ranges, and the list reads back as it was written")
    func ranges() throws {
        var list = DeletedSegments()
        for docid: UInt32 in [7, 3, 9, 8, 12, 4, 8] { list.insert(docid) }
        #expect(list.encoded == "3-4,7-9,12")
        #expect(list.count == 6)
        #expect([3, 4, 7, 8, 9, 12].allSatisfy(list.contains))
        #expect(![1, 2, 5, 6, 10, 11, 13].contains(where: list.contains))
        list.insert(5)
        list.insert(6)
        #expect(list.encoded == "3-9,12")
        #expect(try DeletedSegments(encoded: list.encoded) == list)
        #expect(try DeletedSegments(encoded: "") == DeletedSegments())
    }

    @Test("a list that is not ascending docids is a data error naming the key", arguments: ["3,2", "0", "5-4", "1,,2", "x", "1-2-3", "2,1-3"])
    func malformed(_ encoded: String) {
        #expect {
            try DeletedSegments(encoded: encoded)
        } throws: { error in
            guard case HanSearchError.data(_, let message) = error else { return false }
            return message.contains(Schema.deletedKey)
        }
    }
}

@Suite("Updates of a bulk-built index", .removingTemporaryFolders)
struct DeletedSegmentsTests {
    static let reports = [
        Report(id: "a", title: "甲篇", body: "旧的内容第一段\n旧的内容第二段\n旧的内容第三段"),
        Report(id: "b", title: "乙篇", body: "要删除的报告"),
        Report(id: "c", title: "丙篇", body: "留下的报告"),
    ]

    func total(_ query: String, _ index: SearchIndex) throws -> Int { try index.search(query).total }

    @Test("replaced and deleted reports disappear from every read; the old segments are listed, not removed")
    func replaceAndDelete() throws {
        let path = try TestSupport.index(Self.reports, bulk: BulkIndexer.Options(workers: 2))
        #expect(Schema.lacksTermList(path))
        let writer = try IndexWriter(path: path)
        try writer.add(Report(id: "a", title: "甲篇", body: "新的内容"))
        #expect(try writer.delete(documentID: "b") == 1)
        #expect(try writer.delete(documentID: "b") == 0, "a deleted report is gone for the writer too")
        #expect(try writer.segmentCount(ofDocument: "a") == 1)
        try writer.commit()
        try writer.close()

        let index = try SearchIndex(path: path)
        #expect(try total("旧的内容", index) == 0)
        #expect(try total("新的内容", index) == 1)
        #expect(try total("要删除", index) == 0)
        #expect(try total("title:乙篇", index) == 0)
        #expect(try total("报告", index) == 1)
        #expect(try total("title:甲篇", index) == 1)
        #expect(try index.segments(ofDocument: "a").map(\.text) == ["新的内容"])
        #expect(try index.segments(ofDocument: "b").isEmpty)
        #expect(try index.documentIDs(matching: ParsedQuery.anywhere("的")!).sorted() == ["a", "c"])
        let listing = try index.documents()
        #expect(listing.total == 2)
        #expect(listing.documents.map(\.id).sorted() == ["a", "c"])
        #expect(listing.documents.allSatisfy { $0.segments == 1 })
        let stats = try index.stats()
        #expect((stats.documents, stats.segments, stats.deletedSegments) == (2, 2, 4))
        let figures = try index.figures()
        #expect((figures.documents, figures.segments) == (2, 2))
        // The four old segments (three of a, one of b) stay in Xapian, listed.
        let database = try Database(path: path)
        #expect(try database.documentCount() == 6)
        #expect(try DeletedSegments(encoded: database.metadata(Schema.deletedKey)).count == 4)
    }

    @Test("a deleted report indexed again is back; a cancelled batch lists nothing; the list survives reopening")
    func readdCancelReopen() throws {
        let path = try TestSupport.index(Self.reports, bulk: BulkIndexer.Options(workers: 1))
        var writer = try IndexWriter(path: path)
        try writer.delete(documentID: "b")
        try writer.commit()
        try writer.close()
        writer = try IndexWriter(path: path)
        #expect(try writer.segmentCount(ofDocument: "b") == 0, "the list was read back on opening")
        try writer.add(Self.reports[1])
        try writer.beginBatch()
        try writer.delete(documentID: "c")
        try writer.add(Report(id: "a", title: "甲篇", body: "批次里的内容"))
        writer.cancelBatch()
        #expect(try writer.segmentCount(ofDocument: "c") == 1)
        #expect(try writer.segmentCount(ofDocument: "a") == 3)
        try writer.commit()
        try writer.close()

        let index = try SearchIndex(path: path)
        #expect(try total("要删除的报告", index) == 1)
        #expect(try total("留下的报告", index) == 1)
        #expect(try total("旧的内容", index) == 3)
        #expect(try total("批次里", index) == 0)
        #expect(try index.stats().documents == 3)
    }

    @Test("a report added again as the index holds it rewrites nothing; a changed one is replaced",
          arguments: [true, false])
    func unchangedReports(bulk: Bool) throws {
        let path = try TestSupport.index(Self.reports, bulk: bulk ? BulkIndexer.Options(workers: 2) : nil)
        let before = try Database(path: path).documentCount()
        let writer = try IndexWriter(path: path)
        for report in Self.reports { try writer.add(report) }
        #expect((writer.unchangedReports, writer.pendingChanges) == (3, 0))
        try writer.add(Report(id: "c", title: "丙篇改", body: "留下的报告"))
        #expect((writer.unchangedReports, writer.pendingChanges) == (3, 1), "a new title is a change")
        try writer.commit()
        try writer.close()

        let database = try Database(path: path)
        #expect(try database.documentCount() == before + (bulk ? 1 : 0))
        #expect(try DeletedSegments(encoded: database.metadata(Schema.deletedKey)).count == (bulk ? 1 : 0),
                "only c's old segment is listed")
        let index = try SearchIndex(path: path)
        #expect(try total("title:丙篇改", index) == 1)
        #expect(try total("旧的内容", index) == 3)
        #expect(try index.stats().deletedSegments == (bulk ? 1 : 0))
    }

    @Test("shards of bulk-built folders each hide their own deleted segments, by their own docids")
    func localShards() throws {
        let first = try TestSupport.index([Self.reports[0]], bulk: BulkIndexer.Options(workers: 1))
        let second = try TestSupport.index([Self.reports[1], Self.reports[2]], bulk: BulkIndexer.Options(workers: 1))
        let writer = try IndexWriter(path: second)
        try writer.delete(documentID: "b")
        try writer.commit()
        try writer.close()
        // b was docid 1 of the second shard; docid 1 of the first shard (a's first segment) stays.
        #expect(try Database(path: second).metadata(Schema.deletedKey) == "1")
        let index = try SearchIndex(shards: ShardList(parsing: "\(first),\(second)"))
        #expect(try total("旧的内容第一段", index) == 1)
        #expect(try total("要删除", index) == 0)
        #expect(try total("留下", index) == 1)
        #expect(try index.stats().documents == 2)
        #expect(try index.stats().deletedSegments == 1)
        #expect(try index.shardStats().shards.map(\.stats.deletedSegments) == [0, 1])
    }
}
