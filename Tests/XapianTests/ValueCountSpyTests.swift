import Foundation
import Testing
@testable import Xapian

@Suite struct ValueCountSpyTests {
    /// 300 documents: every one has "common", every third "third"; slot 2 holds one of four sources
    /// (a Chinese one among them) except for every fifth document, which has none.
    func makeDatabase(_ dir: TempDir) throws -> WritableDatabase {
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        for i in 0..<300 {
            let doc = makeDoc(terms: i % 3 == 0 ? ["common", "third"] : ["common"])
            if i % 5 != 0 { doc.setValue(source(i)!, slot: 2) }
            try db.addDocument(doc)
        }
        try db.commit()
        return db
    }

    func source(_ i: Int) -> String? { i % 5 == 0 ? nil : ["宁波日报", "debian", "b", "a"][i % 4] }

    /// The counts computed by hand over the documents that `matches`.
    func bruteForce(_ matches: (Int) -> Bool) -> [String: Int] {
        var counts: [String: Int] = [:]
        for i in 0..<300 where matches(i) {
            if let s = source(i) { counts[s, default: 0] += 1 }
        }
        return counts
    }

    /// A spy on slot `slot` fed by one search of `query` returning `limit` matches after examining `checkAtLeast`.
    func spy(_ enquire: Enquire, _ query: Query, slot: UInt32 = 2, limit: Int, checkAtLeast: Int) throws -> (ValueCountSpy, MatchSet) {
        enquire.setQuery(query)
        let spy = ValueCountSpy(slot: slot)
        enquire.addSpy(spy)
        return (spy, try enquire.mset(offset: 0, limit: limit, checkAtLeast: checkAtLeast))
    }

    @Test func countsEveryMatchNotOnlyThePage() throws {
        let dir = try TempDir()
        let db = try makeDatabase(dir)
        let (spy, page) = try spy(Enquire(database: db), .term("third"), limit: 3, checkAtLeast: try db.documentCount())
        #expect(page.count == 3)
        let counts = try spy.counts()
        #expect(Dictionary(uniqueKeysWithValues: counts.map { ($0.value, $0.count) }) == bruteForce { $0 % 3 == 0 })
        // Ascending byte order; the 20 matches without a value are left out.
        #expect(counts.map(\.value) == counts.map(\.value).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(counts.reduce(0) { $0 + $1.count } == 100 - 20)
    }

    @Test func noMatchesGiveNoValues() throws {
        let dir = try TempDir()
        let db = try makeDatabase(dir)
        let (spy, _) = try spy(Enquire(database: db), .term("absent"), limit: 10, checkAtLeast: 300)
        #expect(try spy.counts().isEmpty)
        // An unused slot: no match has a value to count.
        let (empty, _) = try self.spy(Enquire(database: db), .term("common"), slot: 9, limit: 1, checkAtLeast: 300)
        #expect(try empty.counts().isEmpty)
    }

    @Test func countsOverShards() throws {
        let one = try TempDir(), two = try TempDir()
        _ = try makeDatabase(one)
        _ = try makeDatabase(two)
        let db = try Database(path: one.path("db"))
        try db.add(try Database(path: two.path("db")))
        let (spy, _) = try spy(Enquire(database: db), .term("common"), limit: 10, checkAtLeast: 600)
        #expect(Dictionary(uniqueKeysWithValues: try spy.counts().map { ($0.value, $0.count) })
                == bruteForce { _ in true }.mapValues { $0 * 2 })
    }
}
