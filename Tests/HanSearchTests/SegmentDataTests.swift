import Foundation
import HanSearchTestSupport
import Testing
import Xapian
@testable import HanSearch

@Suite("Segment data compressed with the index's dictionary (layout 8)", .removingTemporaryFolders)
struct SegmentDataTests {
    static let reports = Array((try? TestSupport.reports(inJSONLines: TestSupport.devCorpusPath)) ?? [])

    /// Totals and hits (id and text) of a few queries of the dev corpus, folded or not.
    func answers(_ path: String) throws -> [String] {
        let index = try SearchIndex(path: path)
        return try ["软件包", "系統", "title:手册", "的"].map { query in
            let results = try index.search(query, options: SearchOptions(limit: 50))
            return "\(query) \(results.total) " + results.hits.map { "\($0.id)=\($0.text)" }.sorted().joined(separator: ",")
        }
    }

    /// The stored data of every segment of the one-shard index at `path`.
    func storedData(_ path: String) throws -> [[UInt8]] {
        let database = try Database(path: path)
        return try database.postings("").map { try database.document($0).value(slot: Schema.dataSlot) }
    }

    @Test("a bulk build trains a dictionary and stores every segment as a frame of it, under half the JSON")
    func bulkBuildCompresses() throws {
        let path = try TestSupport.index(Array(Self.reports.prefix(300)), bulk: BulkIndexer.Options(workers: 2))
        let database = try Database(path: path)
        let dictionary = try #require(try DataDictionary.stored(in: database))
        let stored = try storedData(path)
        let decoder = SegmentDataDecoder(dictionaries: [dictionary])
        #expect(stored.count > 1_000)
        #expect(stored.allSatisfy { SegmentDataDecoder.isCompressed($0) && decoder.missingDictionary(for: $0) == nil })
        let json = try stored.map { try decoder.json($0) }
        #expect(json.allSatisfy { $0.first == UInt8(ascii: "{") })
        let (storedBytes, jsonBytes) = (stored.map(\.count).reduce(0, +), json.map(\.count).reduce(0, +))
        #expect(storedBytes * 2 < jsonBytes, "\(storedBytes) bytes stored for \(jsonBytes) of JSON")
        // What a search returns is what was indexed.
        let hit = try #require(try SearchIndex(path: path).search("软件包", options: SearchOptions(limit: 1)).hits.first)
        #expect(hit.text.contains("软件包"))
    }

    @Test("an index created by updates has no dictionary and stores JSON; a rebuild gives it one")
    func updatesThenRebuild() throws {
        let path = try TestSupport.index(Array(Self.reports.prefix(100)))
        #expect(try DataDictionary.stored(in: Database(path: path)) == nil)
        #expect(try storedData(path).allSatisfy { $0.first == UInt8(ascii: "{") })
        let before = try SearchIndex(path: path).search("软件包", options: SearchOptions(limit: 100)).hits
        _ = try IndexRebuild.rebuild(path: path, options: BulkIndexer.Options(workers: 1))
        #expect(try DataDictionary.stored(in: Database(path: path)) != nil)
        #expect(try storedData(path).allSatisfy(SegmentDataDecoder.isCompressed))
        let after = try SearchIndex(path: path).search("软件包", options: SearchOptions(limit: 100)).hits
        #expect(after.map(\.id).sorted() == before.map(\.id).sorted())
        #expect(Set(after.map(\.text)) == Set(before.map(\.text)))
    }

    @Test("updates of a bulk-built index compress with its dictionary, and compare what they replace decompressed")
    func updatesUseTheDictionary() throws {
        let path = try TestSupport.index(Array(Self.reports.prefix(200)), bulk: BulkIndexer.Options(workers: 1))
        let trained = try #require(try DataDictionary.stored(in: Database(path: path)))
        let writer = try IndexWriter(path: path)
        try writer.add(Self.reports[0])
        try writer.add(Report(id: "new", title: "新的报告", body: "一段全新的内容，写进已有的索引"))
        try writer.commit()
        #expect(writer.unchangedReports == 1, "the stored frames of an unchanged report compare equal to its JSON")
        try writer.close()
        let dictionary = try #require(try DataDictionary.stored(in: Database(path: path)))
        #expect(dictionary.bytes == trained.bytes, "updates keep the dictionary")
        let decoder = SegmentDataDecoder(dictionaries: [dictionary])
        #expect(try storedData(path).allSatisfy { SegmentDataDecoder.isCompressed($0) && decoder.missingDictionary(for: $0) == nil })
        #expect(try SearchIndex(path: path).segments(ofDocument: "new").map(\.text) == ["一段全新的内容，写进已有的索引"])
    }

    @Test("shards with their own dictionaries are searched together: each hit is decoded with its shard's")
    func shardsWithTheirOwnDictionaries() throws {
        let first = try TestSupport.index(Array(Self.reports.prefix(150)), bulk: BulkIndexer.Options(workers: 1))
        let second = try TestSupport.index(Array(Self.reports.dropFirst(150).prefix(150)), bulk: BulkIndexer.Options(workers: 1))
        let ids = try [first, second].map { try #require(try DataDictionary.stored(in: Database(path: $0))).id }
        #expect(ids[0] != ids[1])
        let singles = try [first, second].map { try SearchIndex(path: $0).search("软件包", options: SearchOptions(limit: 1000)).hits }
        let index = try SearchIndex(shards: ShardList(parsing: "\(first),\(second)"))
        let hits = try index.search("软件包", options: SearchOptions(limit: 1000)).hits
        #expect(singles.allSatisfy { !$0.isEmpty })
        #expect(Dictionary(uniqueKeysWithValues: hits.map { ($0.id, $0.text) })
                == Dictionary(uniqueKeysWithValues: singles.joined().map { ($0.id, $0.text) }))
    }

    @Test("a damaged frame, or one of a dictionary the index lacks, is a data error, not a crash")
    func damagedFrames() throws {
        let samples = Self.reports.prefix(200).flatMap { Segmenter().segments(of: $0) }
            .map(SegmentDocumentBuilder(folding: .none, dictionary: nil).data(for:))
        let dictionary = try #require(DataDictionary.trained(on: samples))
        let frame = SegmentDataCompressor(dictionary: dictionary).compress(samples[0])
        #expect(SegmentDataDecoder.isCompressed(frame) && frame.count < samples[0].count)
        #expect(try SegmentDataDecoder(dictionaries: [dictionary]).json(frame) == samples[0])
        #expect(SegmentDataDecoder().missingDictionary(for: frame) == dictionary.id)
        #expect(throws: HanSearchError.self) { try SegmentDataDecoder().json(frame) }
        // Frames carry no checksum (4 bytes a segment): truncation is what a decoder can tell.
        for damaged in [Array(frame.prefix(frame.count - 3)), Array(frame.prefix(6))] {
            #expect(throws: HanSearchError.self) { try SegmentDataDecoder(dictionaries: [dictionary]).json(damaged) }
        }
        #expect(DataDictionary.trained(on: Array(samples.prefix(3))) == nil, "too few samples: the data stays JSON")
        #expect(DataDictionary(bytes: Array("not a dictionary".utf8)) == nil)
    }

    @Test("a bulk build's sample comes from all over its JSON Lines files, whole lines only, bad ones passed over")
    func spreadSample() throws {
        let folder = temporaryPath("sample")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func line(_ n: Int, body: String = "") -> String {
            #"{"id":"r\#(n)","title":"标题\#(n)","body":"正文第\#(n)段\#(body)"}"#
        }
        let first = (0..<1_000).map { $0 == 500 ? "{broken" : line($0) }.joined(separator: "\n") + "\n"
        let second = (1_000..<1_100).map { line($0) }.joined(separator: "\n")
        try first.write(toFile: folder + "/a.jsonl", atomically: false, encoding: .utf8)
        try second.write(toFile: folder + "/b.jsonl", atomically: false, encoding: .utf8)
        try "不是 JSON Lines".write(toFile: folder + "/c.txt", atomically: false, encoding: .utf8)
        let reader = CorpusReader()
        let files = reader.files(in: [folder]).files
        let numbers = reader.sample(of: files, count: 22).map { Int($0.id.dropFirst())! }
        #expect(numbers.count >= 20 && numbers.count <= 22, "\(numbers)")
        #expect(numbers.contains(0), "the first line is a line")
        #expect(numbers.contains { $0 >= 900 && $0 < 1_000 } && numbers.contains { $0 >= 1_000 }, "\(numbers)")
        #expect(Set(numbers).count == numbers.count && numbers == numbers.sorted())
        #expect(reader.sample(of: files.filter { $0.format != .jsonLines }).isEmpty)
        // Lines longer than the 16 KB read at a time are read whole; one past 256 KB is passed over.
        let long = (0..<40).map { line($0, body: String(repeating: "长", count: $0 == 20 ? 90_000 : 8_000)) }
        try long.joined(separator: "\n").write(toFile: folder + "/long.jsonl", atomically: false, encoding: .utf8)
        let longFile = reader.files(in: [folder + "/long.jsonl"]).files
        let sampled = reader.sample(of: longFile, count: 10).map { Int($0.id.dropFirst())! }
        #expect(sampled.count >= 6 && !sampled.contains(20) && sampled.contains(0), "\(sampled)")
    }

    @Test("an index of the previous layout is refused with the way to convert it, and hanindex rebuild converts it")
    func convertsThePreviousLayout() throws {
        let path = temporaryPath()
        let writer = try IndexWriter(path: path, folding: .variants)
        for report in Self.reports.prefix(80) { try writer.add(report) }
        try writer.commit()
        try writer.close()
        let before = try answers(path)
        // Layout 7: the same documents with their JSON as the document data.
        let database = try WritableDatabase(path: path, mode: .open)
        for docid in try database.postings("") {
            let document = try database.document(docid)
            let json = document.value(slot: Schema.dataSlot)
            document.data = json
            document.setValue([UInt8](), slot: Schema.dataSlot)
            let segment = try StoredSegment.segment(data: json, decoder: JSONDecoder())
            _ = try database.replaceDocument(uniqueTerm: Schema.segmentTerm(segment.id), with: document)
        }
        try database.setMetadata(Schema.previousLayoutVersion + Folding.variants.analyzerSuffix, forKey: Schema.analyzerVersionKey)
        try database.commit()
        try database.close()
        let refusal = #expect(throws: HanSearchError.self) { try SearchIndex(path: path) }
        #expect("\(refusal.map { "\($0)" } ?? "")".contains("hanindex rebuild --index \(path)"))
        _ = try IndexRebuild.rebuild(path: path, options: BulkIndexer.Options(workers: 1))
        #expect(try Database(path: path).metadata(Schema.analyzerVersionKey) == Schema.analyzerVersion(folding: .variants))
        #expect(try storedData(path).allSatisfy(SegmentDataDecoder.isCompressed))
        #expect(try answers(path) == before)
    }
}
