import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch
import Xapian

/// Searches while commits discard the revision they read: they run again, and never answer with the error.
@Suite("Searching while commits go on", .removingTemporaryFolders)
struct CommitRaceTests {
    private static let modified = XapianError(type: "DatabaseModifiedError",
                                              message: "The revision being read has been discarded")

    @Test("a discarded revision is retried, also when a helper already wrapped Xapian's error")
    func retriesWrappedErrors() throws {
        let index = try SearchIndex(path: try TestSupport.index([Report(id: "r", title: "t", body: "宁波")]))
        for error in [Self.modified, HanSearchError.modified(path: index.path)] as [any Error] {
            var tries = 0
            let answer = try index.withRetryOnModification { () throws -> Int in
                tries += 1
                if tries < SearchIndex.readAttempts { throw error }
                return tries
            }
            #expect(answer == SearchIndex.readAttempts)
        }
    }

    @Test("a reopen retries a block read while it was rewritten; a search does not take corruption for a race")
    func reopenRetriesCorruptBlocks() throws {
        let index = try SearchIndex(path: try TestSupport.index([Report(id: "r", title: "t", body: "宁波")]))
        let corrupt = XapianError(type: "DatabaseCorruptError", message: "Expected block 260 to be level 1, not 0")
        var tries = 0
        let answer = try index.withRetryOnModification(retrying: SearchIndex.isTransientOnReopen) { () throws -> Int in
            tries += 1
            if tries < SearchIndex.readAttempts { throw corrupt }
            return tries
        }
        #expect(answer == SearchIndex.readAttempts)
        #expect(!SearchIndex.isTransientOnReopen(XapianError(type: "DatabaseOpeningError", message: "gone")))
        tries = 0
        #expect(throws: HanSearchError.self) {
            try index.withRetryOnModification { () throws -> Int in
                tries += 1
                throw corrupt
            }
        }
        #expect(tries == 1, "outside a reopen, corruption is reported at once")
        #expect(try index.reopen() == false)
    }

    @Test("the tries are bounded: without a gate the last one's error is thrown, as its own case")
    func boundedTries() throws {
        let index = try SearchIndex(path: try TestSupport.index([Report(id: "r", title: "t", body: "宁波")]))
        var tries = 0
        #expect(throws: HanSearchError.modified(path: index.path)) {
            try index.withRetryOnModification { () throws -> Int in
                tries += 1
                throw Self.modified
            }
        }
        #expect(tries == SearchIndex.readAttempts)
    }

    @Test("a reader four commits behind its writer answers from the newest commit, not with Xapian's error",
          arguments: ["宁波", "title:标题"])
    func readerBehindCommits(query: String) throws {
        // Enough segments that Xapian's tables have inner blocks, which the commits below rewrite.
        let path = try TestSupport.index((0..<3_000).map { Report(id: "r\($0)", title: "标题", body: "宁波科技第\($0)篇") })
        let gate = CommitGate()
        // Opened before the commits and read only after them: their revision's blocks are reused by then.
        // A title part reads the index while its query is built, so that too must be retried.
        let index = try SearchIndex(path: path), listing = try SearchIndex(path: path)
        index.commitGate = gate
        listing.commitGate = gate
        let writer = try IndexWriter.waitingForLock(path: path)
        writer.commitGate = gate
        for round in 1...4 {
            for n in 0..<300 { try writer.add(Report(id: "s\(round)-\(n)", title: "标题", body: "宁波第\(round)轮第\(n)篇")) }
            try writer.commit()
        }
        #expect(try index.search(query).total == 4_200)
        #expect(try listing.documentIDs(matching: QueryParser().parse(query + " -不在")).count == 4_200)
        try writer.close()
    }
}
