import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

/// A file of Tests/HanSearchTests/Fixtures/pdf (made by scripts/make-pdf-fixtures.py).
private func pdfFixture(_ name: String) -> String {
    TestSupport.repositoryRoot.appendingPathComponent("Tests/HanSearchTests/Fixtures/pdf/\(name)").path
}

/// What the reader makes of one file: its single item.
private func readOne(_ path: String, relativePath: String? = nil, reader: CorpusReader = CorpusReader()) throws -> ReadItem {
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    var items: [ReadItem] = []
    reader.read(InputFile(path: path, relativePath: relativePath ?? (path as NSString).lastPathComponent, size: size,
                          format: .pdf)) {
        items.append($0)
        return true
    }
    #expect(items.count == 1, "one item per PDF: \(items)")
    return try #require(items.first)
}

/// `text` without whitespace: the PDF and the text version differ in spaces between punctuation and digits.
private func squeezed(_ text: some StringProtocol) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isWhitespace }))
}

@Suite("The sample page as a two-column PDF")
struct PDFPageTests {
    let pdf: Page
    let text: Page

    init() throws {
        guard case .page(let page, let fileID, _) = try readOne(pdfFixture("ningbo-page.pdf")) else {
            Issue.record("ningbo-page.pdf is not read as a newspaper page")
            throw CancellationError()
        }
        #expect(fileID == "ningbo-page.pdf")
        pdf = page
        text = PageParser().parse(try String(contentsOf: TestSupport.repositoryRoot
            .appendingPathComponent("corpus/ningbo-2022-science-services.txt"), encoding: .utf8))
    }

    @Test("the two articles, their authors, sections and captions, as from the text version")
    func sameStructure() {
        #expect(pdf.articles.map(\.title) == ["科技服务业换挡提速引领港城创新", "宁波对口支援迭代升级"])
        #expect(pdf.articles.map(\.authors) == [["翁云塞", "王虎羽"], ["仇欢", "应磊"]])
        #expect(pdf.articles.map(\.sections) == text.articles.map(\.sections))
        for kind in [SegmentKind.caption, .credit, .heading, .banner] {
            #expect(pdf.articles.map { $0.texts(of: kind) } == text.articles.map { $0.texts(of: kind) }, "\(kind)")
        }
    }

    @Test("every sentence of every body segment of the text version is in one body segment of the PDF")
    func everySentence() {
        var checked = 0
        for (pdfArticle, textArticle) in zip(pdf.articles, text.articles) {
            let bodies = pdfArticle.texts(of: .body).map(squeezed)
            for segment in textArticle.texts(of: .body) {
                for sentence in segment.split(whereSeparator: { "。！？".contains($0) }) where sentence.count >= 4 {
                    #expect(bodies.filter { $0.contains(squeezed(sentence)) }.count == 1, "\(sentence)")
                    checked += 1
                }
            }
        }
        #expect(checked > 60)
    }

    @Test("every segment is on page 1, and the folio at the foot is not a segment")
    func pageNumbers() {
        let segments = pdf.articles.flatMap(\.segments)
        #expect(segments.allSatisfy { $0.page == 1 })
        #expect(!segments.contains { $0.text == "1" })
    }
}

@Suite("A multi-page PDF report", .removingTemporaryFolders)
struct PDFReportTests {
    let report: Report

    init() throws {
        guard case .report(let report, _) = try readOne(pdfFixture("report.pdf")) else {
            Issue.record("report.pdf is not read as a report")
            throw CancellationError()
        }
        self.report = report
    }

    @Test("title, authors and date from the info dictionary; the id is the file name")
    func info() {
        #expect(report.id == "report.pdf")
        #expect(report.title == "Debian 参考手册选读")
        #expect(report.authors == ["青木修", "李明"])
        #expect(report.date == "2022-09-28")
    }

    @Test("a segment per paragraph, paragraphs continued across both page breaks joined, no running header or footer")
    func paragraphs() throws {
        let expected = try String(contentsOfFile: pdfFixture("report-paragraphs.txt"), encoding: .utf8)
            .split(separator: "\n").map(squeezed)
        let paragraphs = Segmenter.paragraphs(of: report.body)
        #expect(paragraphs.map(squeezed) == expected)
        #expect(report.pages?.count == paragraphs.count)
        #expect(Set(report.pages ?? []) == [1, 2, 3])
        #expect(!report.body.contains("内部资料"))
        #expect(!report.body.contains("第1页") && !report.body.contains("第 1 页"))
    }

    @Test("indexed: wrapped words found, the header not, hits carry their page")
    func search() throws {
        let path = temporaryPath()
        let writer = try IndexWriter.waitingForLock(path: path)
        try writer.add(report)
        try writer.commit()
        let index = try SearchIndex(path: path)
        func hits(_ query: String) throws -> [SearchHit] { try index.search(query, options: SearchOptions(limit: 100)).hits }
        // Forced wraps in the fixture: 数据治 | 理 and inter- | national; 切 | 换 falls on a page break.
        #expect(try hits("\"数据治理\"").map(\.page) == [2])
        #expect(try hits("international").map(\.page) == [2])
        let across = try hits("\"图形环境之间切换\"")
        #expect(across.map(\.page) == [1], "the paragraph starts on page 1 and goes on on page 2")
        #expect(try hits("内部资料").isEmpty)
        #expect(try hits("\"虚拟控制台间切换\"").map(\.page) == [3])
    }
}

@Suite("Bad PDFs: a clear error naming the file, nothing indexed", .removingTemporaryFolders)
struct BadPDFTests {
    private func problem(_ name: String, reader: CorpusReader = CorpusReader()) throws -> InputProblem {
        guard case .problem(let problem) = try readOne(pdfFixture(name), reader: reader) else {
            Issue.record("\(name) was read")
            throw CancellationError()
        }
        #expect(problem.location.file.hasSuffix(name))
        return problem
    }

    @Test func encrypted() throws {
        #expect(try problem("encrypted.pdf").message.contains("encrypted with a password"))
    }

    @Test func truncated() throws {
        #expect(try problem("truncated.pdf").message.contains("truncated"))
    }

    @Test func damaged() throws {
        #expect(try problem("damaged.pdf").message.contains("damaged"))
    }

    @Test("a scan: no text layer, and OCR is not done")
    func scan() throws {
        let message = try problem("scan.pdf").message
        #expect(message.contains("no text layer") && message.contains("OCR"))
    }

    @Test("garbage between a PDF header and %%EOF, and a valid PDF cut in every tenth: errors, never a crash")
    func garbage() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 100, 5000] {
            let bytes = Array("%PDF-1.5\n".utf8) + (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                + Array("\n%%EOF\n".utf8)
            let item = PDFReader(maximumPages: 10, kind: .automatic).read(bytes, id: "g.pdf")
            guard case .failure(let problem) = item else { Issue.record("garbage read as a PDF"); continue }
            #expect(problem.description.contains("damaged"), "\(problem)")
        }
        let report = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pdfFixture("report.pdf"))))
        for tenth in 1..<10 {
            // The cut keeps the end marker: poppler must then fail or read the whole PDF, never crash.
            let cut = Array(report.prefix(report.count * tenth / 10)) + Array(report.suffix(32))
            if case .success(.report(let read)) = PDFReader(maximumPages: 10, kind: .automatic).read(cut, id: "c.pdf") {
                #expect(!read.body.isEmpty)
            }
        }
    }

    @Test("too many pages, too many bytes")
    func limits() throws {
        var reader = CorpusReader()
        reader.maximumPDFPages = 2
        #expect(try problem("report.pdf", reader: reader).message.contains("has 3 pages; the limit is 2"))
        reader = CorpusReader()
        reader.maximumPDFSize = 1000
        #expect(try problem("report.pdf", reader: reader).message.contains("the limit is 1000"))
    }

    @Test("hanindex index on bad PDFs: status 2, each named, the index unchanged")
    func commandLine() throws {
        let index = try TestSupport.index([Report(id: "base", title: "基础", body: "宁波科技服务业。")])
        let before = try IndexFingerprint.of(index)
        let folder = temporaryPath("input")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["encrypted.pdf", "truncated.pdf", "damaged.pdf", "scan.pdf"] {
            try FileManager.default.copyItem(atPath: pdfFixture(name), toPath: folder + "/" + name)
        }
        let outcome = try CLI.run(["index", folder, "--index", index])
        #expect(outcome.status == 2)
        #expect(!outcome.looksLikeCrash, "\(outcome.stderr)")
        for name in ["encrypted.pdf", "truncated.pdf", "damaged.pdf", "scan.pdf"] {
            #expect(outcome.stderr.contains("\(folder)/\(name): the PDF"), "\(name): \(outcome.stderr)")
        }
        #expect(try IndexFingerprint.of(index) == before)
    }

    @Test("hanindex index page.pdf, then search: articles page.pdf/N, hits with p. 1")
    func indexAndSearch() throws {
        let index = temporaryPath()
        let indexed = try CLI.run(["index", pdfFixture("ningbo-page.pdf"), "--index", index])
        #expect(indexed.status == 0, "\(indexed.stderr)")
        let search = try CLI.run(["search", "--index", index, "亩产效益", "--json"])
        let results = try JSONDecoder().decode(SearchResults.self, from: Data(search.stdout.utf8))
        #expect(!results.hits.isEmpty)
        #expect(results.hits.allSatisfy { $0.doc == "ningbo-page.pdf/1" && $0.page == 1 })
        let plain = try CLI.run(["search", "--index", index, "亩产效益"])
        #expect(plain.stdout.contains("p. 1"), "\(plain.stdout)")
    }
}

@Suite("PDF layout rules")
struct PDFLayoutRuleTests {
    @Test("a hyphen at a line end: hyphenation dropped, compounds and numbers kept")
    func hyphens() {
        #expect(PDFLayout.joiningWrappedLine("the inter-", "national rules") == "the international rules")
        #expect(PDFLayout.joiningWrappedLine("debian-reference-", "zh-cn") == "debian-reference-zh-cn")
        #expect(PDFLayout.joiningWrappedLine("2023-", "02-04") == "2023-02-04")
        #expect(PDFLayout.joiningWrappedLine("Mini-", "HOWTO") == "Mini-HOWTO")
        #expect(PDFLayout.joiningWrappedLine("科技服", "务业") == "科技服 务业")
    }

    @Test("page numbers")
    func pageNumbers() {
        for text in ["3", "- 3 -", "第 3 页", "3 / 10", "Page 12", "iv", "（7）"] { #expect(PDFLayout.isPageNumber(text), "\(text)") }
        for text in ["2021年", "第三章", "Debian", "内部资料", ""] { #expect(!PDFLayout.isPageNumber(text), "\(text)") }
    }
}

@Suite("A newspaper page as atomic changes (POST /documents with a PDF)", .removingTemporaryFolders)
struct PageChangeTests {
    private let long = Page(articles: [
        Article(title: "甲", authors: ["张三"], segments: [PageSegment(kind: .body, text: "第一篇正文。", page: 1)]),
        Article(title: "乙", segments: [PageSegment(kind: .body, text: "第二篇正文。", page: 1)]),
        Article(title: "丙", segments: [PageSegment(kind: .body, text: "第三篇正文。", page: 2)]),
    ])

    @Test("one index and three shards: the articles replace, the stale ones of a longer earlier version go", arguments: [1, 3])
    func replaceAndShrink(shardCount: Int) throws {
        let shards = try ShardList((1...shardCount).map { .local(path: temporaryPath("s\($0)")) })
        let writer = try ShardedWriter(shards: shards)
        #expect(try writer.applyAtomically(IndexChange.changes(forPage: long, fileID: "p.pdf")) == [1, 1, 1, 0])
        let short = Page(articles: [long.articles[0]])
        #expect(try writer.applyAtomically(IndexChange.changes(forPage: short, fileID: "p.pdf")) == [1, 2])
        try writer.close()
        let index = try SearchIndex(shards: shards)
        let hits = try index.search("正文", options: SearchOptions(limit: 10)).hits
        #expect(hits.map(\.doc) == ["p.pdf/1"] && hits.map(\.page) == [1])
    }
}

@Suite("The pages field of a report")
struct ReportPagesTests {
    @Test("one page per paragraph, from 1; segments carry them")
    func pages() {
        let report = Report(id: "r", title: "t", body: "第一段。\n\n第二段。", pages: [1, 3])
        #expect(report.problems().isEmpty)
        #expect(Segmenter().segments(of: report).map(\.page) == [1, 3])
        #expect(!Report(id: "r", title: "t", body: "第一段。\n第二段。", pages: [1]).problems().isEmpty)
        #expect(!Report(id: "r", title: "t", body: "第一段。", pages: [0]).problems().isEmpty)
        #expect(Segmenter().segments(of: Report(id: "r", title: "t", body: "无页码。")).map(\.page) == [nil])
    }
}
