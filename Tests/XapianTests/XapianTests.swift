import Foundation
import Testing
@testable import Xapian

/// A fresh temporary directory, removed on deinit.
final class TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("xapiantests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A document with data, a unique id term and positional words (1-based).
func makeDoc(id: String, words: [String], data: String? = nil) -> Document {
    let doc = Document()
    doc.dataString = data ?? id
    doc.addBooleanTerm("Q" + id)
    for (i, w) in words.enumerated() {
        doc.addPosting(w, position: UInt32(i + 1))
    }
    return doc
}

/// Docids matched by `query`, in result order (boolean weighting by default, ascending docids).
func search(_ db: WritableDatabase, _ query: Query, bool: Bool = true) throws -> [UInt32] {
    let enquire = Enquire(database: db)
    enquire.setQuery(query)
    if bool { enquire.useBoolWeight() }
    return try enquire.mset(offset: 0, limit: 100).docids
}

func search(_ db: Database, _ query: Query) throws -> [UInt32] {
    let enquire = Enquire(database: db)
    enquire.setQuery(query)
    return try enquire.mset(offset: 0, limit: 100).docids.sorted()
}

func t(_ s: String) -> Query { .term(s) }

@Suite struct DatabaseTests {
    @Test func versionIs14() {
        #expect(xapianVersion.hasPrefix("1.4"))
    }

    @Test func createAddCommitCount() throws {
        let dir = try TempDir()
        let path = dir.path("db")
        let db = try WritableDatabase(path: path, mode: .create, flags: [.noSync])
        #expect(try db.documentCount() == 0)
        let id1 = try db.addDocument(makeDoc(id: "a", words: ["hello", "world"]))
        let id2 = try db.addDocument(makeDoc(id: "b", words: ["hello"]))
        #expect(id1 == 1 && id2 == 2)
        #expect(try db.documentCount() == 2)
        #expect(try db.lastDocumentID() == 2)
        #expect(try db.termFrequency("hello") == 2)
        #expect(try db.termExists("world"))
        #expect(try !db.termExists("nope"))
        #expect(try db.postings("hello") == [1, 2])
        #expect(try db.postings("nope") == [])
        try db.commit()

        let reader = try Database(path: path)
        #expect(try reader.documentCount() == 2)
        #expect(try reader.termFrequency("world") == 1)
        #expect(try reader.postings("world") == [1])
        let doc = try reader.document(1)
        #expect(doc.dataString == "a")
        #expect(doc.docid == 1)
        #expect(try doc.termList.map(\.term) == ["Qa", "hello", "world"])
        #expect(try reader.averageLength() == 1.5)
        #expect(throws: XapianError.self) { try reader.document(99) }
        do {
            _ = try reader.document(99)
        } catch {
            #expect(error.isNotFound)
        }
        // Creating again with .create must fail.
        try db.close()
        #expect(throws: XapianError.self) { try WritableDatabase(path: path, mode: .create) }
    }

    @Test func replaceByUniqueTerm() throws {
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        try db.addDocument(makeDoc(id: "a", words: ["old"], data: "v1"))
        try db.addDocument(makeDoc(id: "b", words: ["other"]))
        let id = try db.replaceDocument(uniqueTerm: "Qa", with: makeDoc(id: "a", words: ["new"], data: "v2"))
        #expect(id == 1)
        #expect(try db.documentCount() == 2)
        #expect(try !db.termExists("old"))
        #expect(try db.postings("new") == [1])
        #expect(try db.document(1).dataString == "v2")
        // Replacing a missing unique term adds.
        let id3 = try db.replaceDocument(uniqueTerm: "Qc", with: makeDoc(id: "c", words: ["x"]))
        #expect(id3 == 3)
        #expect(try db.documentCount() == 3)
        // Replace by docid.
        try db.replaceDocument(2, with: makeDoc(id: "b", words: ["changed"], data: "b2"))
        #expect(try db.document(2).dataString == "b2")
        #expect(try db.postings("changed") == [2])
    }

    @Test func deleteByTermAndDocid() throws {
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        for i in 0..<5 {
            try db.addDocument(makeDoc(id: "\(i)", words: [i % 2 == 0 ? "even" : "odd"]))
        }
        try db.deleteDocuments(term: "even")
        #expect(try db.documentCount() == 2)
        #expect(try db.postings("odd") == [2, 4])
        #expect(try !db.termExists("even"))
        try db.deleteDocuments(term: "missing")  // no-op
        try db.deleteDocument(2)
        #expect(try db.documentCount() == 1)
        do {
            try db.deleteDocument(2)
            Issue.record("expected DocNotFoundError")
        } catch {
            #expect(error.type == "DocNotFoundError")
        }
    }

    @Test func metadataRoundtrip() throws {
        let dir = try TempDir()
        let path = dir.path("db")
        let db = try WritableDatabase(path: path, flags: [.noSync])
        #expect(try db.metadata("k") == "")
        try db.setMetadata("值 value", forKey: "k")
        #expect(try db.metadata("k") == "值 value")
        try db.commit()
        let reader = try Database(path: path)
        #expect(try reader.metadata("k") == "值 value")
        #expect(try reader.metadataBytes("k") == Array("值 value".utf8))
        try db.setMetadata("", forKey: "k")
        try db.commit()
        try reader.reopen()
        #expect(try reader.metadata("k") == "")
    }

    @Test func metadataKeysByPrefix() throws {
        let dir = try TempDir()
        let path = dir.path("db")
        let db = try WritableDatabase(path: path, flags: [.noSync])
        #expect(try db.metadataKeys(prefix: "f:") == [])
        for key in ["f:b/文件.txt", "g:other", "f:a", "f:"] { try db.setMetadata("v", forKey: key) }
        #expect(try db.metadataKeys(prefix: "f:") == ["f:", "f:a", "f:b/文件.txt"])
        try db.commit()
        try db.setMetadata("", forKey: "f:a")
        try db.commit()
        #expect(try Database(path: path).metadataKeys(prefix: "f:") == ["f:", "f:b/文件.txt"])
        #expect(try Database(path: path).metadataKeys(prefix: "").count == 3)
    }

    @Test func secondWriterGetsLockError() throws {
        let dir = try TempDir()
        let path = dir.path("db")
        let first = try WritableDatabase(path: path, flags: [.noSync])
        do {
            _ = try WritableDatabase(path: path)
            Issue.record("second writer should fail")
        } catch {
            #expect(error.type == "DatabaseLockError")
            #expect(error.isLockError)
        }
        try first.close()
        // After closing, a new writer can open.
        let second = try WritableDatabase(path: path, mode: .open)
        #expect(try second.documentCount() == 0)
    }

    @Test func openingMissingPathFails() throws {
        let dir = try TempDir()
        do {
            _ = try Database(path: dir.path("missing"))
            Issue.record("expected an opening error")
        } catch {
            #expect(error.type == "DatabaseOpeningError" || error.type == "DatabaseNotFoundError")
            #expect(error.isDatabaseNotFound)
            #expect(!error.message.isEmpty)
            #expect(error.description.hasPrefix(error.type + ": "))
        }
        #expect(throws: XapianError.self) {
            try WritableDatabase(path: dir.path("missing2"), mode: .open)
        }
    }

    @Test func readerReopenSeesCommit() throws {
        let dir = try TempDir()
        let path = dir.path("db")
        let db = try WritableDatabase(path: path, flags: [.noSync])
        try db.addDocument(makeDoc(id: "a", words: ["x"]))
        try db.commit()
        let reader = try Database(path: path)
        #expect(try reader.documentCount() == 1)
        try db.addDocument(makeDoc(id: "b", words: ["x"]))
        #expect(try reader.documentCount() == 1)  // uncommitted
        try db.commit()
        #expect(try reader.documentCount() == 1)  // not reopened yet
        #expect(try reader.reopen())
        #expect(try reader.documentCount() == 2)
        #expect(try search(reader, t("x")) == [1, 2])
        #expect(try !reader.reopen())
        try reader.close()
        #expect(throws: XapianError.self) { try reader.postings("x") }
    }

    @Test func multiShardSearch() throws {
        let dir = try TempDir()
        let p1 = dir.path("s1"), p2 = dir.path("s2")
        do {
            let w1 = try WritableDatabase(path: p1, flags: [.noSync])
            try w1.addDocument(makeDoc(id: "a", words: ["shared", "one"]))
            try w1.addDocument(makeDoc(id: "b", words: ["one"]))
            try w1.commit()
            let w2 = try WritableDatabase(path: p2, flags: [.noSync])
            try w2.addDocument(makeDoc(id: "c", words: ["shared", "two"]))
            try w2.commit()
        }
        let db = try Database(shards: [Database(path: p1), Database(path: p2)])
        #expect(try db.documentCount() == 3)
        #expect(try db.termFrequency("shared") == 2)
        let enquire = Enquire(database: db)
        enquire.setQuery(t("shared"))
        let mset = try enquire.mset(offset: 0, limit: 10)
        #expect(Set(mset.map(\.data)) == ["a", "c"])
        // Docids interleave: shard1 doc1 -> 1, shard2 doc1 -> 2, shard1 doc2 -> 3.
        #expect(try db.document(2).dataString == "c")
        #expect(try db.postings("one") == [1, 3])
        let viaAdd = try Database(path: p1)
        try viaAdd.add(Database(path: p2))
        #expect(try viaAdd.documentCount() == 3)
    }

    @Test func compactMergesShardsRenumberingDocids() throws {
        let dir = try TempDir()
        let p1 = dir.path("s1"), p2 = dir.path("s2"), merged = dir.path("merged")
        do {
            let w1 = try WritableDatabase(path: p1, flags: [.noSync])
            try w1.addDocument(makeDoc(id: "a", words: ["shared", "one"]))
            try w1.addDocument(makeDoc(id: "b", words: ["one"]))
            try w1.setMetadata("v1", forKey: "k")
            try w1.commit()
            let w2 = try WritableDatabase(path: p2, flags: [.noSync])
            try w2.addDocument(makeDoc(id: "c", words: ["shared", "two"]))
            try w2.commit()
        }
        try Database(shards: [Database(path: p1), Database(path: p2)]).compact(to: merged)
        let db = try Database(path: merged)
        #expect(try db.documentCount() == 3)
        // Shard 2's documents follow shard 1's, positions survive, metadata is kept.
        #expect(try (1...3).map { try db.document($0).dataString } == ["a", "b", "c"])
        #expect(try search(db, .phrase([t("shared"), t("two")], window: 2)) == [3])
        #expect(try db.metadata("k") == "v1")
        // Overlapping docids cannot be kept without renumbering.
        #expect(throws: XapianError.self) {
            try Database(shards: [Database(path: p1), Database(path: p2)]).compact(to: dir.path("x"), renumber: false)
        }
    }

    @Test func transactionCancelDiscards() throws {
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        try db.addDocument(makeDoc(id: "a", words: ["x"]))
        try db.beginTransaction()
        try db.addDocument(makeDoc(id: "b", words: ["x"]))
        try db.setMetadata("v", forKey: "k")
        #expect(try db.documentCount() == 2)
        try db.cancelTransaction()
        #expect(try db.documentCount() == 1)
        #expect(try db.metadata("k") == "")
        try db.beginTransaction(flushed: false)
        try db.addDocument(makeDoc(id: "c", words: ["x"]))
        try db.commitTransaction()
        #expect(try db.documentCount() == 2)
        #expect(throws: XapianError.self) { try db.commitTransaction() }  // none active
    }

    @Test func readViewOfWritableSeesUncommitted() throws {
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        try db.addDocument(makeDoc(id: "a", words: ["x"]))
        let view = try Database(db)
        #expect(try view.documentCount() == 1)
        #expect(try search(view, t("x")) == [1])
    }
}

@Suite struct DocumentTests {
    @Test func dataIsBinarySafe() {
        let doc = Document()
        doc.data = [0, 1, 2, 0, 255]
        #expect(doc.data == [0, 1, 2, 0, 255])
        doc.dataString = "中文"
        #expect(doc.dataString == "中文")
        #expect(doc.data == Array("中文".utf8))
        #expect(doc.docid == 0)
    }

    @Test func valuesRoundtrip() throws {
        let doc = Document()
        doc.setValue("2024-01-01", slot: 0)
        doc.setValue([0, 7], slot: 3)
        #expect(doc.value(slot: 0) == "2024-01-01")
        #expect(doc.valueBytes(slot: 3) == [0, 7])
        #expect(doc.value(slot: 1) == "")
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        let id = try db.addDocument(doc)
        let loaded = try db.document(id)
        #expect(loaded.value(slot: 0) == "2024-01-01")
        #expect(loaded.valueBytes(slot: 3) == [0, 7])
    }

    @Test func termListReportsWdfAndPositions() throws {
        let doc = Document()
        doc.addPosting("b", position: 2)
        doc.addPosting("a", position: 1)
        doc.addPosting("a", position: 3)
        doc.addTerm("c", wdf: 5)
        doc.addBooleanTerm("Qid")
        doc.addTerm("")  // ignored
        let expected = [
            TermListEntry(term: "Qid", wdf: 0, positions: []),
            TermListEntry(term: "a", wdf: 2, positions: [1, 3]),
            TermListEntry(term: "b", wdf: 1, positions: [2]),
            TermListEntry(term: "c", wdf: 5, positions: []),
        ]
        #expect(try doc.termList == expected)
        // Same after a round trip through a database.
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        let id = try db.addDocument(doc)
        try db.commit()
        #expect(try db.document(id).termList == expected)
    }

    @Test func bulkAddTermsEqualsIndividualAdds() throws {
        let entries: [(term: String, position: UInt32)] = [
            ("中", 1), ("中文", 1), ("文", 2), ("文", 0), ("x", 0), ("", 3), ("中", 4), ("bad\u{0}term", 5), ("ab", 6),
        ]
        let one = Document()
        for (term, position) in entries where !term.isEmpty && !term.contains("\u{0}") {
            if position == 0 { one.addTerm(term) } else { one.addPosting(term, position: position) }
        }
        let bulk = Document()
        bulk.addTerms(entries)
        #expect(try bulk.termList == one.termList)
        #expect(try bulk.termList.first { $0.term == "中" } == TermListEntry(term: "中", wdf: 2, positions: [1, 4]))
        #expect(try bulk.termList.first { $0.term == "文" } == TermListEntry(term: "文", wdf: 2, positions: [2]))

        var batch = TermBatch(reservingCapacity: 4)
        for (term, position) in entries { batch.append(term, position: position) }
        #expect(batch.count == 7)
        let viaBatch = Document()
        viaBatch.addTerms(batch)
        #expect(try viaBatch.termList == one.termList)
        batch.removeAll()
        #expect(batch.isEmpty)
        viaBatch.addTerms(batch)  // no-op
        #expect(try viaBatch.termList == one.termList)
    }
}

@Suite struct QueryTests {
    /// Docs: 1 "a b c", 2 "c b a", 3 "a x b", 4 "aa aa" (bigrams of "aaa"), 5 "aa", 6 a@1 + positionless b.
    func corpus(_ dir: TempDir) throws -> WritableDatabase {
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        try db.addDocument(makeDoc(id: "1", words: ["a", "b", "c"]))
        try db.addDocument(makeDoc(id: "2", words: ["c", "b", "a"]))
        try db.addDocument(makeDoc(id: "3", words: ["a", "x", "b"]))
        try db.addDocument(makeDoc(id: "4", words: ["aa", "aa"]))
        try db.addDocument(makeDoc(id: "5", words: ["aa"]))
        let d6 = makeDoc(id: "6", words: ["a"])
        d6.addTerm("b")
        try db.addDocument(d6)
        return db
    }

    @Test func phraseMatchesOnlyAdjacentPositions() throws {
        let dir = try TempDir()
        let db = try corpus(dir)
        #expect(try search(db, .phrase([t("a"), t("b")])) == [1])
        #expect(try search(db, .phrase([t("b"), t("c")])) == [1])
        #expect(try search(db, .phrase([t("a"), t("b"), t("c")])) == [1])
        #expect(try search(db, .phrase([t("a"), t("b")], window: 3)) == [1, 3])
        #expect(try search(db, .near([t("a"), t("b")], window: 2)) == [1, 2])
        #expect(try search(db, .and([t("a"), t("b")])) == [1, 2, 3, 6])
    }

    @Test func repeatedTermPhrase() throws {
        let dir = try TempDir()
        let db = try corpus(dir)
        #expect(try search(db, .phrase([t("aa"), t("aa")])) == [4])
        #expect(try search(db, .phrase([t("aa"), t("aa"), t("aa")])) == [])
        #expect(try search(db, t("aa")) == [4, 5])
    }

    @Test func positionlessTermNotInPhrase() throws {
        let dir = try TempDir()
        let db = try corpus(dir)
        #expect(try search(db, t("b")).contains(6))
        #expect(try !search(db, .phrase([t("a"), t("b")])).contains(6))
        #expect(try !search(db, .phrase([t("a"), t("b")], window: 10)).contains(6))
    }

    /// Xapian 1.4 (glass backend) quirk: a term that is present in a document but has
    /// no positions there behaves as if it were at position 0. So in doc 6 (a@1, b
    /// positionless) the phrase "b a" matches (it needs b@0, a@1), although "a b" does not.
    /// The in-memory backend does not do this. If this test starts failing, Xapian fixed it.
    @Test func positionlessTermActsAsPositionZeroInGlass() throws {
        let dir = try TempDir()
        let db = try corpus(dir)
        #expect(try search(db, .phrase([t("b"), t("a")])) == [2, 6])
        #expect(try !search(db, .phrase([t("a"), t("b")])).contains(6))
    }

    @Test func phraseAcceptsOrOfTerms() throws {
        let dir = try TempDir()
        let db = try corpus(dir)
        // "(a|c) b" adjacent in that order: doc1 "a b", doc2 "c b".
        #expect(try search(db, .phrase([.or([t("a"), t("c")]), t("b")])) == [1, 2])
        #expect(try search(db, .near([.or([t("x"), t("c")]), t("a")], window: 2)) == [3])
        #expect(try search(db, .near([.or([t("x"), t("c")]), t("a")], window: 3)) == [1, 2, 3])
        // Anything but terms / ORs of terms is rejected when the query is built.
        for bad in [Query.synonym([t("a"), t("c")]), .and([t("a"), t("c")]), t("a").scaled(by: 2)] {
            do {
                _ = try Query.phrase([bad, t("b")])
                Issue.record("expected UnimplementedError for \(bad)")
            } catch {
                #expect(error.type == "UnimplementedError")
            }
        }
        // Degenerate phrases.
        #expect(try Query.phrase([t("a")]).description == "Query(a)")
        #expect(try Query.phrase([]).description == "Query()")
    }

    @Test func booleanOperators() throws {
        let dir = try TempDir()
        let db = try corpus(dir)
        #expect(try search(db, .or([t("c"), t("x")])) == [1, 2, 3])
        #expect(try search(db, .and([t("a"), t("c")])) == [1, 2])
        #expect(try search(db, .andNot(t("a"), t("c"))) == [3, 6])
        #expect(try search(db, .filter(t("a"), by: t("x"))) == [3])
        #expect(try search(db, .xor([t("a"), t("c")])) == [3, 6])
        #expect(try search(db, .and([])) == [])
        #expect(try search(db, .matchAll) == [1, 2, 3, 4, 5, 6])
        #expect(try search(db, .matchNothing) == [])
        #expect(try search(db, t("nonexistent")) == [])
        #expect(try search(db, .eliteSet([t("a"), t("c"), t("x")], size: 3)) == [1, 2, 3, 6])

        // AND_MAYBE matches like its left side, the right side only adds weight.
        let maybe = try search(db, .andMaybe(t("a"), t("x")), bool: false)
        #expect(maybe.sorted() == [1, 2, 3, 6])
        #expect(maybe.first == 3)
        // FILTER takes no weight from the filter: ranks ties by docid.
        let enquire = Enquire(database: db)
        enquire.setQuery(.filter(t("b"), by: t("a")))
        let filtered = try enquire.mset(offset: 0, limit: 10)
        enquire.setQuery(.and([t("b"), t("a")]))
        let anded = try enquire.mset(offset: 0, limit: 10)
        enquire.setQuery(t("b"))
        let bOnly = Dictionary(uniqueKeysWithValues: try enquire.mset(offset: 0, limit: 10).map { ($0.docid, $0.weight) })
        #expect(Set(filtered.docids) == [1, 2, 3, 6])
        for m in filtered { #expect(abs(m.weight - bOnly[m.docid]!) < 1e-9) }
        for m in anded { #expect(m.weight > bOnly[m.docid]!) }
    }

    @Test func scaledWeights() throws {
        let dir = try TempDir()
        let db = try corpus(dir)
        let enquire = Enquire(database: db)
        enquire.setQuery(t("x"))
        let base = try enquire.mset(offset: 0, limit: 1)[0].weight
        enquire.setQuery(t("x").scaled(by: 2))
        let doubled = try enquire.mset(offset: 0, limit: 1)[0].weight
        #expect(base > 0)
        #expect(abs(doubled - 2 * base) < 1e-9)
        enquire.setQuery(t("x").scaled(by: 0))
        #expect(try enquire.mset(offset: 0, limit: 1)[0].weight == 0)
    }

    @Test func descriptions() throws {
        #expect(Query.term("a", position: 1).description == "Query(a@1)")
        #expect(Query.and([t("a"), t("b")]).description == "Query((a AND b))")
        #expect(try Query.phrase([t("a"), t("b")]).description == "Query((a PHRASE 2 b))")
        #expect(Query.matchAll.description == "Query(<alldocuments>)")
        #expect(Query.matchNothing.description == "Query()")
        #expect(Query.term("").description == "Query(<alldocuments>)")
        #expect(Query.valueRange(slot: 1, from: "a", to: "b").description.contains("VALUE_RANGE"))
    }
}

@Suite struct EnquireTests {
    @Test func bm25PrefersHigherWdfAndRarerTerms() throws {
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        try db.addDocument(makeDoc(id: "1", words: ["apple", "pie", "pie", "pie", "filler", "filler"]))
        try db.addDocument(makeDoc(id: "2", words: ["apple", "pie", "filler", "filler", "filler", "filler"]))
        try db.addDocument(makeDoc(id: "3", words: ["banana", "filler"]))
        try db.addDocument(makeDoc(id: "4", words: ["unrelated"]))
        try db.addDocument(makeDoc(id: "5", words: ["apple", "cherry"]))
        let enquire = Enquire(database: db)
        enquire.useBM25()
        enquire.setQuery(t("pie"))
        let m = try enquire.mset(offset: 0, limit: 10)
        #expect(m.docids == [1, 2])
        #expect(m[0].weight > m[1].weight)
        #expect(m[0].rank == 0 && m[1].rank == 1)
        #expect(m[0].percent == 100)
        #expect(m[0].data == "1")
        // Rarer "cherry" outweighs common "apple".
        enquire.setQuery(.or([t("apple"), t("cherry")]))
        #expect(try enquire.mset(offset: 0, limit: 10).first?.docid == 5)
        // Offset pages.
        let page2 = try enquire.mset(offset: 1, limit: 1)
        #expect(page2.count == 1 && page2[0].rank == 1)
        // Bool weight: all zero, docid order.
        enquire.useBoolWeight()
        enquire.setQuery(t("filler"))
        let b = try enquire.mset(offset: 0, limit: 10)
        #expect(b.docids == [1, 2, 3])
        #expect(b.allSatisfy { $0.weight == 0 })
        enquire.setDocidOrder(.descending)
        #expect(try enquire.mset(offset: 0, limit: 10).docids == [3, 2, 1])
        // Without data.
        #expect(try enquire.mset(offset: 0, limit: 10, includeData: false).allSatisfy { $0.data.isEmpty })
    }

    @Test func valuesFilterAndSort() throws {
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        let dates = ["2021-05-01", "2023-01-15", "2022-07-30", "2020-12-31", "2023-06-01"]
        for (i, d) in dates.enumerated() {
            let doc = makeDoc(id: "\(i + 1)", words: ["doc"])
            doc.setValue(d, slot: 0)
            try db.addDocument(doc)
        }
        #expect(try search(db, .filter(t("doc"), by: .valueRange(slot: 0, from: "2022-01-01", to: "2023-03-01"))).sorted() == [2, 3])
        #expect(try search(db, .valueGreaterOrEqual(slot: 0, "2023-01-15")) == [2, 5])
        #expect(try search(db, .valueLessOrEqual(slot: 0, "2021-05-01")) == [1, 4])
        #expect(try search(db, .valueRange(slot: 1, from: "a", to: "z")) == [])

        let enquire = Enquire(database: db)
        enquire.setQuery(t("doc"))
        enquire.setSort(.value(slot: 0, descending: false))
        #expect(try enquire.mset(offset: 0, limit: 10).docids == [4, 1, 3, 2, 5])
        enquire.setSort(.value(slot: 0, descending: true))
        #expect(try enquire.mset(offset: 0, limit: 10).docids == [5, 2, 3, 1, 4])
        enquire.setSort(.valueThenRelevance(slot: 0, descending: true))
        #expect(try enquire.mset(offset: 0, limit: 2).docids == [5, 2])
        enquire.setSort(.relevanceThenValue(slot: 0, descending: false))
        #expect(try enquire.mset(offset: 0, limit: 10).docids == [4, 1, 3, 2, 5])  // equal weights
        enquire.setSort(.relevance)
        #expect(try enquire.mset(offset: 0, limit: 10).docids == [1, 2, 3, 4, 5])
        // Values of all matches in one call; unset slots read as empty.
        enquire.setQuery(t("doc"))
        let withValues = try enquire.mset(offset: 1, limit: 3, includeData: false, valueSlot: 0)
        #expect(withValues.map(\.value) == ["2023-01-15", "2022-07-30", "2020-12-31"])
        #expect(try enquire.mset(offset: 0, limit: 10, valueSlot: 5).allSatisfy { $0.value.isEmpty })
        #expect(try enquire.mset(offset: 0, limit: 10).allSatisfy { $0.value.isEmpty })
    }

    @Test func collapseKeepsOneMatchPerValue() throws {
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        for (i, group) in ["x", "y", "x", "", "z", "y"].enumerated() {
            let doc = makeDoc(id: "\(i + 1)", words: ["doc"])
            doc.setValue(group, slot: 3)
            try db.addDocument(doc)
        }
        let enquire = Enquire(database: db)
        enquire.setQuery(t("doc"))
        enquire.useBoolWeight()
        enquire.setCollapseKey(slot: 3)
        let collapsed = try enquire.mset(offset: 0, limit: 10, checkAtLeast: 6, includeData: false)
        // Documents without a value are never collapsed.
        #expect(collapsed.docids == [1, 2, 4, 5])
        #expect(collapsed.map(\.collapseKey) == ["x", "y", "", "z"])
        #expect(collapsed.matchesEstimated == 4 && collapsed.matchesLowerBound == 4)
        enquire.setCollapseKey(slot: 3, max: 2)
        #expect(try enquire.mset(offset: 0, limit: 10).count == 6)
        enquire.setCollapseKey(slot: nil)
        let plain = try enquire.mset(offset: 0, limit: 10)
        #expect(plain.count == 6 && plain.allSatisfy { $0.collapseKey.isEmpty })
    }

    @Test func exactCountWithCheckAtLeast() throws {
        let dir = try TempDir()
        let db = try WritableDatabase(path: dir.path("db"), flags: [.noSync])
        for i in 0..<300 {
            let doc = Document()
            doc.addTerm("common")
            doc.addTerm(i % 3 == 0 ? "third" : "rest")
            if i % 7 == 0 { doc.addTerm("seventh") }
            try db.addDocument(doc)
        }
        try db.commit()
        let count = try db.documentCount()
        let enquire = Enquire(database: db)
        enquire.setQuery(.and([t("third"), t("seventh")]))  // i % 21 == 0: 15 docs
        let exact = try enquire.mset(offset: 0, limit: 1, checkAtLeast: count)
        #expect(exact.matchesEstimated == 15)
        #expect(exact.matchesLowerBound == 15)
        #expect(exact.matchesUpperBound == 15)
        #expect(exact.count == 1)
        let none = try enquire.mset(offset: 0, limit: 0, checkAtLeast: count)
        #expect(none.isEmpty && none.matchesEstimated == 15)
    }

    @Test func enquireOnReaderThrowsTypedErrorAfterClose() throws {
        let dir = try TempDir()
        let path = dir.path("db")
        let w = try WritableDatabase(path: path, flags: [.noSync])
        try w.addDocument(makeDoc(id: "a", words: ["x"]))
        try w.commit()
        let r = try Database(path: path)
        let enquire = Enquire(database: r)
        enquire.setQuery(t("x"))
        #expect(try enquire.mset(offset: 0, limit: 10).count == 1)
        try r.close()
        #expect(throws: XapianError.self) { try enquire.mset(offset: 0, limit: 10) }
    }
}

@Suite struct ConcurrencyTests {
    /// A reader left behind by several writer commits gets `DatabaseModifiedError`
    /// (glass reuses freed blocks after two commits); reopening recovers.
    @Test func staleReaderGetsModifiedErrorThenReopenRecovers() throws {
        let dir = try TempDir()
        let path = dir.path("db")
        let w = try WritableDatabase(path: path, flags: [.noSync])
        let filler = String(repeating: "x", count: 200)
        for i in 0..<2000 { try w.addDocument(makeDoc(id: "\(i)", words: ["common", "w\(i)"], data: filler)) }
        try w.commit()
        let r = try Database(path: path)
        #expect(try r.documentCount() == 2000)
        for round in 0..<3 {
            for i in 0..<2000 {
                try w.replaceDocument(uniqueTerm: "Q\(i)", with: makeDoc(id: "\(i)", words: ["common", "r\(round)w\(i)"], data: filler + "\(round)"))
            }
            try w.commit()
        }
        var sawModified = false
        do {
            let enquire = Enquire(database: r)
            enquire.setQuery(t("common"))
            _ = try enquire.mset(offset: 0, limit: 3000)
            _ = try r.postings("common")
            for i in 0..<2000 { _ = try r.document(UInt32(i + 1)) }
        } catch {
            #expect(error.isModified, "unexpected \(error)")
            sawModified = true
        }
        #expect(sawModified)
        #expect(try r.reopen())
        #expect(try r.postings("common").count == 2000)
        #expect(try r.document(2000).dataString == filler + "2")
        #expect(try r.termExists("r2w0"))
    }
}
