import Foundation
import HanSearchTestSupport
import Testing
import Xapian
@testable import HanSearch

@Suite("Variant folding: the table and the tokenizer")
struct FoldingTableTests {
    @Test("the table folds each traditional ideograph to one simplified ideograph, and folding twice changes nothing")
    func table() {
        #expect(VariantTable.map.count > 4_000)
        var bad: [String] = []
        for (key, value) in VariantTable.map {
            let keyScalar = Unicode.Scalar(key)!
            let stable = Normalizer.normalize(String(keyScalar)) == String(keyScalar)
                && Normalizer.normalize(String(value)) == String(value)
            if CharacterClass(keyScalar) != .cjk || CharacterClass(value) != .cjk || key == value.value
                || VariantTable.map[value.value] != nil || !stable || key < VariantTable.lowestKey {
                bad.append("\(keyScalar)→\(value)")
            }
        }
        #expect(bad.isEmpty, "entries that break the one-to-one, idempotent, class-preserving fold: \(bad.prefix(20))")
        #expect(Folding.variants.fold("系統設定檔案，軟體與網路 Debian") == "系统设定档案，软体与网路 Debian")
        #expect(Folding.none.fold("系統") == "系統")
        // Ambiguous entries: the first candidate (乾 → 干 乾, 於 → 于 於); a character whose first candidate
        // is itself stays (覆 → 覆 复, 瞭 → 瞭 了); the chain 薴 → 苧 → 苎 is resolved to its end.
        #expect(Folding.variants.fold("乾於覆瞭薴") == "干于覆瞭苎")
        #expect(Schema.analyzerVersion(folding: .variants) == Schema.analyzerVersion + ".variants-" + VariantTable.digest)
        #expect(Schema.analyzerVersion(folding: .none) == Schema.analyzerVersion)
    }

    @Test("folded tokens keep the positions and the original ranges; their terms are those of the simplified text")
    func tokens() {
        let traditional = "在 Debian 系統中設定軟體套件（２０２１年版）。"
        let simplified = "在 Debian 系统中设定软体套件（２０２１年版）。"
        let folded = Tokenizer.tokens(traditional, folding: .variants)
        let literal = Tokenizer.tokens(traditional)
        #expect(folded.map(\.description) == Tokenizer.tokens(simplified).map(\.description))
        #expect(folded.map(\.sourceRange) == literal.map(\.sourceRange))
        #expect(folded.map(\.term) == literal.map { Folding.variants.fold($0.term) })
        #expect(literal.contains { $0.term == "系統" } && !folded.contains { $0.term == "系統" })
        #expect(folded.contains { $0.term == "系统" } && folded.contains { $0.term == "2021" })
        // A query folds alike, so its patterns are those of the simplified query.
        #expect(PhrasePattern.patterns(for: "系統中設定").map(Folding.variants.fold)
                == PhrasePattern.patterns(for: "系统中设定"))
    }

    @Test("over the dev corpus, tokenizing with folding gives the literal tokens with folded terms")
    func termLevelEquivalence() throws {
        let reports = try TestSupport.reports(inJSONLines: TestSupport.devCorpusPath)
        let sample = reports.filter { $0.id.contains("-tw-") }.prefix(40) + reports.prefix(40)
        var differing: [String] = []
        var foldedTerms = 0
        for report in sample {
            let literal = Tokenizer.tokens(report.title + "\n" + report.body)
            let folded = Tokenizer.tokens(report.title + "\n" + report.body, folding: .variants)
            let expected = literal.map { token in
                var token = token
                token.term = Folding.variants.fold(token.term)
                return token
            }
            if folded != expected { differing.append(report.id) }
            foldedTerms += zip(literal, folded).filter { $0.term != $1.term }.count
        }
        #expect(differing.isEmpty, "\(differing)")
        #expect(foldedTerms > 1_000, "the traditional reports have many folded terms")
    }
}

@Suite("Variant folding: indexes", .removingTemporaryFolders)
struct FoldingIndexTests {
    static let traditional = Report(id: "tw-1", title: "系統管理", body: "在系統中設定軟體套件。\n第二段沒有關鍵詞。")
    static let simplified = Report(id: "cn-1", title: "系统管理", body: "在系统中设定软件包。")

    /// A new index of `reports` built with `folding`, in bulk or with an ``IndexWriter``.
    static func build(_ reports: [Report], folding: Folding, bulk: Bool) throws -> String {
        if bulk { return try TestSupport.index(reports, bulk: BulkIndexer.Options(workers: 2, folding: folding)) }
        let path = temporaryPath()
        let writer = try IndexWriter.waitingForLock(path: path, folding: folding)
        for report in reports { try writer.add(report) }
        try writer.commit()
        try writer.close()
        return path
    }

    static func ids(_ query: String, _ index: SearchIndex) throws -> [String] {
        try index.search(query).hits.map(\.id).sorted()
    }

    @Test("folded: a simplified query finds the traditional text and the reverse, highlighting the original characters",
          arguments: [false, true])
    func crossScript(bulk: Bool) throws {
        let index = try SearchIndex(path: Self.build([Self.traditional, Self.simplified], folding: .variants, bulk: bulk))
        #expect(index.folding == .variants)
        #expect(try Self.ids("系统中设定", index) == ["cn-1#1", "tw-1#1"])
        #expect(try Self.ids("系統中設定", index) == ["cn-1#1", "tw-1#1"])
        #expect(try Self.ids("title:系統管理 设定", index) == ["cn-1#1", "tw-1#1"])
        #expect(try Self.ids("关键词", index) == ["tw-1#2"])
        let hit = try #require(try index.search("系统中设定", options: SearchOptions(document: "tw-1")).hits.first)
        #expect(hit.snippet == "在<mark>系統中設定</mark>軟體套件。")
        let reverse = try #require(try index.search("軟", options: SearchOptions(document: "cn-1")).hits.first)
        #expect(reverse.snippet == "在系统中设定<mark>软</mark>件包。")
        #expect(try index.documentIDs(matching: ParsedQuery.anywhere("系統管理")!).sorted() == ["cn-1", "tw-1"])
    }

    @Test("literal (the default): the same queries find only the text written that way", arguments: [false, true])
    func literal(bulk: Bool) throws {
        let index = try SearchIndex(path: Self.build([Self.traditional, Self.simplified], folding: .none, bulk: bulk))
        #expect(index.folding == .none)
        #expect(try Self.ids("系统中设定", index) == ["cn-1#1"])
        #expect(try Self.ids("系統中設定", index) == ["tw-1#1"])
        #expect(try Self.ids("关键词", index) == [])
        #expect(try index.search("系統中設定").hits.first?.snippet == "在<mark>系統中設定</mark>軟體套件。")
    }

    @Test("the fold and its analyzer version are recorded in the index and shown by stats", arguments: [false, true])
    func metadata(bulk: Bool) throws {
        let folded = try Self.build([Self.traditional], folding: .variants, bulk: bulk)
        let database = try Database(path: folded)
        #expect(try database.metadata(Schema.foldingKey) == "variants")
        #expect(try database.metadata(Schema.analyzerVersionKey) == Schema.analyzerVersion(folding: .variants))
        let stats = try SearchIndex(path: folded).stats()
        #expect(stats.fold == .variants && stats.analyzer.hasSuffix(VariantTable.digest))
        let literal = try Self.build([Self.traditional], folding: .none, bulk: bulk)
        #expect(try Database(path: literal).metadata(Schema.foldingKey) == "none")
        #expect(try SearchIndex(path: literal).stats().fold == .none)
        let empty = try Self.build([], folding: .variants, bulk: bulk)
        #expect(try SearchIndex(path: empty).folding == .variants)
    }

    @Test("an existing index keeps its fold: writers follow it, asking for another is refused and changes nothing")
    func mismatch() throws {
        let folded = try Self.build([Self.traditional], folding: .variants, bulk: true)
        let before = try IndexFingerprint.of(folded)
        #expect(throws: HanSearchError.foldingMismatch(path: folded, found: .variants, requested: .none)) {
            try IndexWriter(path: folded, folding: Folding.none)
        }
        #expect(try IndexFingerprint.of(folded) == before)
        let literal = try Self.build([Self.traditional], folding: .none, bulk: false)
        #expect(throws: HanSearchError.foldingMismatch(path: literal, found: .none, requested: .variants)) {
            try IndexWriter(path: literal, folding: .variants)
        }
        #expect(HanSearchError.foldingMismatch(path: "ix", found: .none, requested: .variants).description
            .contains("the index at ix was built with --fold none, not --fold variants"))
        // Without a fold asked for, an update of a folded index folds what it adds.
        let writer = try IndexWriter.waitingForLock(path: folded)
        #expect(writer.folding == .variants)
        try writer.add(Self.simplified)
        try writer.commit()
        try writer.close()
        #expect(try Self.ids("設定軟件", SearchIndex(path: folded)) == ["cn-1#1"])
    }

    @Test("an index whose recorded fold does not match its analyzer version, or is unknown, is refused")
    func tamperedMetadata() throws {
        for fold in ["", "bogus"] {
            let path = try Self.build([Self.traditional], folding: .variants, bulk: false)
            do {
                let writer = try IndexWriter.waitingForLock(path: path)
                try writer.database.setMetadata(fold, forKey: Schema.foldingKey)
                try writer.commit()
            }
            #expect(throws: HanSearchError.self) { try SearchIndex(path: path) }
            #expect(throws: HanSearchError.self) { try IndexWriter(path: path) }
        }
    }

    @Test("a repeated id in a folded bulk build is applied after the merge, folded too")
    func bulkDeferred() throws {
        var second = Self.simplified
        second.id = Self.traditional.id
        second.body = "更新後的軟體說明。"
        let index = try SearchIndex(path: Self.build([Self.traditional, Self.simplified, second], folding: .variants, bulk: true))
        #expect(try Self.ids("软体说明", index) == ["tw-1#1"])
        #expect(try Self.ids("系统中设定", index) == ["cn-1#1"])
    }

    @Test("sharded: new shards take the fold asked for or that of the first shard; a shard with another is refused")
    func shards() throws {
        let a = temporaryPath("a"), b = temporaryPath("b"), c = temporaryPath("c")
        let writer = try ShardedWriter(shards: ShardList(parsing: "\(a),\(b)"), folding: .variants)
        for report in [Self.traditional, Self.simplified] { try writer.add(report) }
        try writer.commit()
        try writer.close()
        #expect(try Database(path: a).metadata(Schema.foldingKey) == "variants")
        #expect(try Database(path: b).metadata(Schema.foldingKey) == "variants")
        let index = try SearchIndex.open(location: "\(a),\(b)")
        #expect(index.folding == .variants)
        #expect(try Self.ids("系統中設定", index) == ["cn-1#1", "tw-1#1"])
        let grown = try ShardedWriter(shards: ShardList(parsing: "\(a),\(c)"))
        #expect(grown.folding == .variants && grown.writers.allSatisfy { $0.folding == .variants })
        try grown.close()
        let literal = try Self.build([Self.traditional], folding: .none, bulk: false)
        #expect(throws: HanSearchError.foldingMismatch(path: literal, found: .none, requested: .variants)) {
            try ShardedWriter(shards: ShardList(parsing: "\(a),\(literal)"))
        }
    }
}

@Suite("Variant folding: exact search over the development corpus", .removingTemporaryFolders)
struct FoldingExactSearchTests {
    @Test("random substrings find exactly the segments whose folded text contains the folded query")
    func exactModuloFolding() throws {
        let reports = try TestSupport.reports(inJSONLines: TestSupport.devCorpusPath)
        let sample = Array(reports.filter { $0.id.contains("-tw-") }.prefix(60) + reports.filter { !$0.id.contains("-tw-") }.prefix(60))
        let index = try SearchIndex(path: TestSupport.index(sample, bulk: BulkIndexer.Options(workers: 2, folding: .variants)))
        let segmenter = Segmenter()
        let segments = sample.flatMap(segmenter.segments(of:))
        let literal = BruteForce(segments)
        let folded = BruteForce(segments.map { segment in
            var segment = segment
            segment.text = Folding.variants.fold(Normalizer.normalize(segment.text))
            return segment
        })
        var generator = SeededGenerator(state: 8_812)
        var checked = 0, traditionalQueries = 0, crossScript = 0
        while checked < (TestSupport.isFullRun ? 300 : 100) {
            let entry = literal.entries.randomElement(using: &generator)!
            let scalars = Array(entry.joined.unicodeScalars)
            let length = Int.random(in: 1...6, using: &generator)
            guard scalars.count >= length else { continue }
            let start = Int.random(in: 0...(scalars.count - length), using: &generator)
            let slice = scalars[start..<(start + length)]
            guard slice.allSatisfy({ CharacterClass.isCJK($0.value) }) else { continue }
            let query = String(String.UnicodeScalarView(slice))
            let expected = folded.containing(Folding.variants.fold(query))
            let found = try TestSupport.allMatches(query, in: index)
            #expect(found == expected, "query \(query): \(found.subtracting(expected).count) false hits, \(expected.subtracting(found).count) misses")
            #expect(found.isSuperset(of: literal.containing(query)), "query \(query): folding lost a literal match")
            if Folding.variants.fold(query) != query { traditionalQueries += 1 }
            if found.count > literal.containing(query).count { crossScript += 1 }
            checked += 1
        }
        // About a third of the queries are traditional, and about a fifth cross scripts: the check is not vacuous.
        #expect(traditionalQueries > checked / 10)
        #expect(crossScript > checked / 10)
    }
}

@Suite("Variant folding: hanindex", .removingTemporaryFolders)
struct FoldingCLITests {
    @Test("index --fold variants builds a folded index that stats names; --fold on an index built otherwise exits 1 and changes nothing")
    func cli() throws {
        let folder = temporaryPath("input")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let input = (folder as NSString).appendingPathComponent("reports.jsonl")
        let lines = try [FoldingIndexTests.traditional, FoldingIndexTests.simplified].map {
            String(decoding: try JSONEncoder().encode($0), as: UTF8.self) + "\n"
        }
        try lines.joined().write(toFile: input, atomically: true, encoding: .utf8)
        func total(_ query: String, _ index: String) throws -> Int? {
            let outcome = try CLI.run(["search", "--json", "--index", index, query])
            return try? JSONDecoder().decode(SearchResults.self, from: Data(outcome.stdout.utf8)).total
        }

        let folded = temporaryPath("folded")
        var outcome = try CLI.run(["index", input, "--index", folded, "--fold", "variants"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try CLI.run(["stats", "--index", folded]).stdout.contains("fold:        variants"))
        #expect(try total("系统中设定", folded) == 2)
        // Updating it without --fold follows the index; with the same --fold is fine too.
        for extra in [[], ["--fold", "variants"]] {
            outcome = try CLI.run(["index", input, "--index", folded] + extra)
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
        #expect(try total("系統中設定", folded) == 2)

        let literal = temporaryPath("literal")
        outcome = try CLI.run(["index", input, "--index", literal])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try CLI.run(["stats", "--index", literal]).stdout.contains("fold:        none"))
        #expect(try total("系统中设定", literal) == 1)
        let before = try IndexFingerprint.of(literal)
        outcome = try CLI.run(["index", input, "--index", literal, "--fold", "variants"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("was built with --fold none, not --fold variants"), "\(outcome.stderr)")
        #expect(!outcome.looksLikeCrash)
        #expect(try IndexFingerprint.of(literal) == before)

        outcome = try CLI.run(["index", input, "--index", temporaryPath(), "--fold", "traditional"])
        #expect(outcome.status != 0 && outcome.stderr.contains("traditional"), "\(outcome.stderr)")
    }
}
