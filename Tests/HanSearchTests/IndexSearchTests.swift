import Foundation
import HanSearchTestSupport
import Xapian
import Testing
@testable import HanSearch

@Suite("Indexing and searching", .removingTemporaryFolders)
struct IndexSearchTests {
    private func ids(_ query: String, _ index: SearchIndex, options: SearchOptions = SearchOptions(limit: 1000)) throws -> [String] {
        try index.search(query, options: options).hits.map(\.id).sorted()
    }

    @Test("one ranked pass and a ranked page plus a count give the same exact total and the same page",
          arguments: [0, 1_000_000])
    func countingPasses(oneRankedPassLimit: Int) throws {
        // 科技服务 in 40 segments, 科技 and 服务 apart (bigram candidates, no phrase) in 30 more.
        let bodies = (0..<70).map { n in n < 40 ? "第\(n)段讲科技服务的发展" : "第\(n)段讲科技，也讲服务" }
        let path = try TestSupport.index([Report(id: "r", title: "报告", body: bodies.joined(separator: "\n"))])
        let index = try SearchIndex(path: path)
        index.oneRankedPassLimit = oneRankedPassLimit
        for (query, expected) in [("科技服务", 40), ("技服", 40), ("科技 服务", 70), ("科技服务 -第1段", 39)] {
            let results = try index.search(query, options: SearchOptions(limit: 5))
            #expect(results.total == expected, "\(query)")
            #expect(results.hits.count == 5)
        }
        let reference = try SearchIndex(path: path)
        reference.oneRankedPassLimit = 1_000_000 - oneRankedPassLimit
        #expect(try index.search("科技服务", options: SearchOptions(limit: 10)) ==
                reference.search("科技服务", options: SearchOptions(limit: 10)))
    }

    @Test("mixed scripts match only where the parts are adjacent, with or without a space")
    func mixedScripts() throws {
        let path = try TestSupport.index([
            Report(id: "a", title: "t", body: "2021年营收增长\n2021 年营收\n2021，年营收\n今年2021\nAI芯片\nAI 芯片组\nAI，芯片"),
        ])
        let index = try SearchIndex(path: path)
        #expect(try ids("2021年", index) == ["a#1", "a#2"])
        #expect(try ids("AI芯片", index) == ["a#5", "a#6"])
        #expect(try ids("芯片", index) == ["a#5", "a#6", "a#7"])
        #expect(try ids("年2021", index) == ["a#4"])
        #expect(try ids("\"2021 年营\"", index) == ["a#1", "a#2"])
    }

    @Test("documentIDs lists each matching document once, by its text or by its title only")
    func documentIDs() throws {
        let path = try TestSupport.index([
            Report(id: "a", title: "年度报告", body: "营收增长\n营收下降\n其他"),
            Report(id: "b", title: "无关", body: "今年营收"),
            Report(id: "c", title: "年度计划", body: "计划内容"),
            Report(id: "d", title: "空", body: "内容"),
        ])
        let index = try SearchIndex(path: path)
        func documents(_ query: String) throws -> [String] {
            try index.documentIDs(matching: ParsedQuery.anywhere(query)!)
        }
        #expect(try documents("营收") == ["a", "b"])
        #expect(try documents("年度") == ["a", "c"])
        #expect(try documents("报告") == ["a"])
        #expect(try documents("内容") == ["c", "d"])
        #expect(try documents("度报") == ["a"])
        #expect(try documents("收增长") == ["a"])
        #expect(try documents("缺席").isEmpty)
        #expect(try index.documentIDs(matching: QueryParser().parse("营收 -增长")) == ["a", "b"])
        #expect(try index.documentIDs(matching: QueryParser().parse("title:年度")) == ["a", "c"])
    }

    @Test("a single character is found anywhere in a run: start, middle, end, alone")
    func singleCharacter() throws {
        let path = try TestSupport.index([
            Report(id: "a", title: "t", body: "年度报告\n今年度\n去年\n年\n无关内容"),
        ])
        let index = try SearchIndex(path: path)
        #expect(try ids("年", index) == ["a#1", "a#2", "a#3", "a#4"])
    }

    @Test("a unigram held only inside runs does not match a phrase at the start of a segment")
    func positionlessUnigramAtStart() throws {
        // 年 is only inside a run here; 2021 is the first token. Xapian's glass backend would place the
        // positionless 年 at position 0 and match the phrase 年 2021 if positions started at 1.
        let path = try TestSupport.index([Report(id: "a", title: "t", body: "2021，今年度")])
        let index = try SearchIndex(path: path)
        #expect(try ids("年2021", index).isEmpty)
        #expect(try ids("年", index) == ["a#1"])
    }

    @Test("a phrase whose terms a segment holds apart is not matched, also in titles and exclusions")
    func termsApart() throws {
        let path = try TestSupport.index([
            Report(id: "a", title: "年度，度报告", body: "科技。技服\n技服科技\n科技服务"),
            Report(id: "b", title: "年度报告", body: "我们科技服"),
        ])
        let index = try SearchIndex(path: path)
        // a#1 and a#2 hold the bigrams 科技 and 技服, but not 科技服.
        #expect(try ids("科技服", index) == ["a#3", "b#1"])
        #expect(try ids("科技 -科技服", index) == ["a#1", "a#2"])
        #expect(try ids("技服 -科技服", index) == ["a#1", "a#2"])
        #expect(try ids("科技服 OR 技服科", index) == ["a#2", "a#3", "b#1"])
        #expect(try ids("title:年度报告", index) == ["b#1"])
        #expect(try ids("科技 -title:年度报告", index) == ["a#1", "a#2", "a#3"])
        #expect(try index.search("科技服").total == 2)
        #expect(try index.documentIDs(matching: ParsedQuery.anywhere("年度报告")!) == ["b"])
    }

    @Test("punctuation breaks phrases: 数文 does not match 设置参数，文件名")
    func punctuation() throws {
        let path = try TestSupport.index([Report(id: "a", title: "t", body: "设置参数，文件名")])
        let index = try SearchIndex(path: path)
        #expect(try ids("数文", index).isEmpty)
        #expect(try ids("参数", index) == ["a#1"])
        #expect(try ids("设置参数，文件名", index) == ["a#1"])
    }

    @Test("text broken by PDF extraction is found as the reader sees it")
    func pdfSpaces() throws {
        let path = try TestSupport.index([Report(id: "a", title: "t", body: "蓬勃发展的 科技服务业态是重要一环。科技服 务业的体量")])
        let index = try SearchIndex(path: path)
        #expect(try ids("科技服务业", index) == ["a#1"])
        #expect(try ids("的科技", index) == ["a#1"])
    }

    @Test("AND, OR, exclusion and title: combine as documented")
    func operators() throws {
        let path = try TestSupport.index([
            Report(id: "ningbo", title: "宁波科技", body: "招商引资的公司\n科技金融"),
            Report(id: "hangzhou", title: "杭州新闻", body: "招商银行\n公司注册"),
        ])
        let index = try SearchIndex(path: path)
        #expect(try ids("招商 公司", index) == ["ningbo#1"])
        #expect(try ids("招商 OR 公司", index) == ["hangzhou#1", "hangzhou#2", "ningbo#1"])
        #expect(try ids("招商 -银行", index) == ["ningbo#1"])
        #expect(try ids("title:宁波", index) == ["ningbo#1", "ningbo#2"])
        #expect(try ids("title:宁波 金融", index) == ["ningbo#2"])
        #expect(try ids("title:杭州 -title:宁波", index) == ["hangzhou#1", "hangzhou#2"])
    }

    @Test("a match in the title ranks a segment higher")
    func titleBoost() throws {
        let path = try TestSupport.index([
            Report(id: "x", title: "其他", body: "科技服务业发展"),
            Report(id: "y", title: "科技服务业", body: "科技服务业发展"),
        ])
        let index = try SearchIndex(path: path)
        let hits = try index.search("科技服务业").hits
        #expect(hits.map(\.doc) == ["y", "x"])
        #expect(hits[0].score > hits[1].score)
    }

    @Test("title terms with positions are in a document's first segment only; title searches find every segment",
          arguments: [false, true])
    func titleTermsOnce(bulk: Bool) throws {
        let path = try TestSupport.index([
            Report(id: "y", title: "科技服务业", body: "科技服务业发展\n科技服务业发展\n其他内容"),
            Report(id: "z", title: "别的", body: "科技服务业发展"),
        ], bulk: bulk ? BulkIndexer.Options() : nil)
        let index = try SearchIndex(path: path)
        let database = try Database(path: path)
        // A bulk build keeps no term list; the bulk build tests compare its postings with these.
        for docid in try database.postings("") where !bulk {
            let document = try database.document(docid)
            let segment = try StoredSegment.segment(data: document.value(slot: Schema.dataSlot), decoder: JSONDecoder())
            let terms = try document.termList
            let positioned = terms.filter { $0.term.hasPrefix(Schema.titlePhrasePrefix) }
            #expect(positioned.isEmpty == (segment.ordinal != 1), "\(segment.id)")
            // Matched only: no wdf, so the first segment is no longer than the others for BM25.
            #expect(positioned.allSatisfy { $0.wdf == 0 })
            #expect(positioned.isEmpty || positioned.contains { !$0.positions.isEmpty })
            #expect(terms.contains { $0.term.hasPrefix(Schema.titlePrefix) }, "\(segment.id)")
            #expect(terms.filter { $0.term.hasPrefix(Schema.titlePrefix) }.allSatisfy { $0.positions.isEmpty })
        }
        func ids(_ query: String) throws -> [String] { try self.ids(query, index) }
        #expect(try ids("title:科技服务业") == ["y#1", "y#2", "y#3"])
        #expect(try ids("title:服务 内容") == ["y#3"])
        #expect(try ids("title:服务 -发展") == ["y#3"])
        #expect(try ids("科技服务业 -title:服务") == ["z#1"])
        #expect(try index.search("title:服务").total == 3)
        #expect(try index.search("title:服务").hits.allSatisfy { $0.score > 0 }, "title matches weigh by the title's words")
        // Every segment of y weighs the match in its title.
        let hits = try index.search("科技服务业").hits
        #expect(hits.map(\.doc) == ["y", "y", "z"])
        #expect(hits[1].score > hits[2].score)
        #expect(try index.documentIDs(matching: QueryParser().parse("title:服务 -发展")) == ["y"])
        #expect(try index.documentIDs(matching: ParsedQuery.anywhere("服务业")!) == ["y", "z"])
        #expect(try index.documentIDs(matching: ParsedQuery.anywhere("别的")!) == ["z"])
    }

    @Test("re-indexing replaces by id: no duplicates and no stale segments")
    func reindex() throws {
        let path = temporaryPath()
        do {
            let writer = try IndexWriter.waitingForLock(path: path)
            try writer.add(Report(id: "a", title: "t", body: "第一段\n第二段\n第三段"))
            try writer.add(Report(id: "b", title: "t", body: "别的"))
            try writer.commit()
            try writer.add(Report(id: "a", title: "t", body: "第一段改了"))
            try writer.commit()
        }
        let index = try SearchIndex(path: path)
        #expect(try ids("第二段", index).isEmpty)
        #expect(try ids("段", index) == ["a#1"])
        #expect(try index.segments(ofDocument: "a").map(\.text) == ["第一段改了"])
        let stats = try index.stats()
        #expect(stats.documents == 2)
        #expect(stats.segments == 2)
    }

    @Test("delete removes every segment of a document")
    func delete() throws {
        let path = temporaryPath()
        do {
            let writer = try IndexWriter.waitingForLock(path: path)
            try writer.add(Report(id: "a", title: "t", body: "一\n二"))
            try writer.commit()
            #expect(try writer.delete(documentID: "a") == 2)
            #expect(try writer.delete(documentID: "missing") == 0)
            try writer.commit()
        }
        #expect(try SearchIndex(path: path).stats().segments == 0)
    }

    @Test("dates filter and sort through the value slot")
    func dates() throws {
        let path = try TestSupport.index([
            Report(id: "old", title: "t", body: "宁波", date: "2020-05-01"),
            Report(id: "new", title: "t", body: "宁波宁波宁波", date: "2022-09-10"),
            Report(id: "mid", title: "t", body: "宁波", date: "2021-01-31"),
        ])
        let index = try SearchIndex(path: path)
        #expect(try ids("宁波", index, options: SearchOptions(from: "2021-01-01")) == ["mid#1", "new#1"])
        #expect(try ids("宁波", index, options: SearchOptions(to: "2021-01-31")) == ["mid#1", "old#1"])
        let byDate = try index.search("宁波", options: SearchOptions(sort: .date)).hits.map(\.doc)
        #expect(byDate == ["new", "mid", "old"])
        #expect(try ids("宁波", index, options: SearchOptions(document: "mid")) == ["mid#1"])
    }

    @Test("snippets mark the original characters, merge adjacent matches and escape HTML")
    func snippets() throws {
        let path = try TestSupport.index([Report(id: "a", title: "t", body: "<b>ＡＩ芯片</b>与芯片产业")])
        let index = try SearchIndex(path: path)
        let hit = try #require(try index.search("AI芯片").hits.first)
        #expect(hit.snippet == "&lt;b&gt;<mark>ＡＩ芯片</mark>&lt;/b&gt;与芯片产业")
        let both = try #require(try index.search("芯片 产业").hits.first)
        #expect(both.snippet == "&lt;b&gt;ＡＩ<mark>芯片</mark>&lt;/b&gt;与<mark>芯片产业</mark>")
    }

    @Test("a long segment's snippet is a window around the densest cluster of matches")
    func snippetWindow() throws {
        let filler = String(repeating: "这是填充的文字。", count: 40)
        let text = filler + "关键词出现在这里，关键词又出现。" + filler
        let snippet = Highlighter.snippet(of: text, patterns: PhrasePattern.patterns(for: "关键词"), length: 60)
        #expect(snippet.isCutAtStart && snippet.isCutAtEnd)
        #expect(snippet.highlights.count == 2)
        #expect(snippet.marked(open: "[", close: "]").contains("[关键词]出现在这里，[关键词]又出现"))
        #expect(snippet.text.unicodeScalars.count == 60)
    }

    @Test("an index built by another analyzer version is refused with a clear message")
    func analyzerVersion() throws {
        let path = try TestSupport.index([Report(id: "a", title: "t", body: "一")])
        do {
            let writer = try IndexWriter.waitingForLock(path: path)
            try writer.database.setMetadata("normalizer-0", forKey: Schema.analyzerVersionKey)
            try writer.commit()
        }
        #expect(throws: HanSearchError.analyzerMismatch(path: path, found: "normalizer-0", expected: Schema.analyzerVersion)) {
            try SearchIndex(path: path)
        }
        #expect(throws: HanSearchError.self) { try IndexWriter(path: path) }
    }

    @Test("a missing index and a locked index give clear errors")
    func openErrors() throws {
        let missing = temporaryPath("nothing-here")
        #expect(throws: HanSearchError.indexNotFound(path: missing)) { try SearchIndex(path: missing) }
        let path = try TestSupport.index([])
        let writer = try IndexWriter(path: path)
        #expect(throws: HanSearchError.indexLocked(path: path)) { try IndexWriter(path: path) }
        _ = writer
    }
}
