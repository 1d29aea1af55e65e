import Foundation
import HanSearch

/// The fuzz targets. Each takes arbitrary bytes, must return without crashing, and checks invariants
/// that any input must satisfy (a violated one is a crash, which libFuzzer then reports and saves).
enum FuzzTarget: String, CaseIterable {
    /// The normalizer and tokenizer, and the highlighter over the same text.
    case tokenizer
    /// The query parser, then a search of the parsed query in a small index.
    case query
    /// The newspaper page parser and the segmenter over its articles.
    case page
    /// The JSON Lines reader of the CLI (``CorpusReader``) and of the server (``ReportBatch``), and JSON batches.
    case jsonl
    /// The same bytes as a PDF (poppler, the layout, the page parser) and as HTML (libxml2).
    case documents

    /// Runs the target on one input.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .tokenizer: Self.tokenizer(String(decoding: bytes, as: UTF8.self))
        case .query: Self.query(String(decoding: bytes, as: UTF8.self))
        case .page: Self.page(String(decoding: bytes, as: UTF8.self))
        case .jsonl: Self.jsonLines(bytes)
        case .documents: Self.documents(bytes)
        }
    }

    static func tokenizer(_ text: String) {
        let length = text.utf8.count
        var previous: UInt32 = 0
        let tokens = Tokenizer.tokens(text)
        // Folding maps one scalar to one of the same class: the same tokens, with folded terms.
        let folded = tokens.map { token in
            var token = token
            token.term = Folding.variants.fold(token.term)
            return token
        }
        check(Tokenizer.tokens(text, folding: .variants) == folded, "folded tokens differ from the literal ones, folded")
        for token in tokens {
            check(!token.term.isEmpty, "empty term")
            check(token.position >= previous, "positions go back")
            check(token.sourceRange.lowerBound >= 0 && token.sourceRange.upperBound <= length, "range outside the text")
            check(token.kind != .word || token.term.utf8.count <= Tokenizer.maximumWordLength, "word too long for Xapian")
            previous = token.position
        }
        let patterns = PhrasePattern.patterns(for: String(text.prefix(64)))
        let snippet = Highlighter.snippet(of: text, patterns: patterns, length: 80)
        let utf8 = snippet.text.utf8
        for range in snippet.highlights {
            // Highlights are UTF-8 byte ranges of the snippet text, on scalar boundaries.
            check(range.lowerBound >= 0 && range.lowerBound < range.upperBound && range.upperBound <= utf8.count,
                  "highlight outside the snippet")
            for bound in [range.lowerBound, range.upperBound] {
                let index = utf8.index(utf8.startIndex, offsetBy: bound)
                check(index.samePosition(in: snippet.text.unicodeScalars) != nil, "highlight inside a character's bytes")
            }
        }
        _ = snippet.html
    }

    /// A small index to search, built once per process.
    nonisolated(unsafe) static let index: SearchIndex = {
        let path = NSTemporaryDirectory() + "hanfuzz-index-\(getpid())"
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "hanfuzz-index-\(getpid())") }
        do {
            let writer = try IndexWriter(path: path)
            try writer.add(Report(id: "a/1#x", title: "科技服务业", body: "2021年宁波科技服务业增长12%。\nAI芯片 Debian 参考手册。"))
            try writer.add(Report(id: "b", title: "附录 A", body: "设置参数，文件名\n😀 é combining e\u{301} עברית", date: "2024-01-02"))
            try writer.commit()
            try writer.close()
            return try SearchIndex(path: path)
        } catch {
            fatalError("hanfuzz: cannot build the index to search: \(error)")
        }
    }()

    static func query(_ text: String) {
        let parsed: ParsedQuery
        do {
            parsed = try QueryParser().parse(text)
        } catch {
            check(!error.message.isEmpty, "a syntax error without a message")
            return
        }
        check(!parsed.required.isEmpty, "a parsed query with nothing required")
        search(parsed, text)
        // Synonyms only add alternatives: same groups, each at least as wide, and the widened query searches.
        guard let widened = try? QueryParser(synonyms: synonyms).parse(text) else { return }
        check(widened.required.count == parsed.required.count
              && zip(widened.required, parsed.required).allSatisfy { $0.count >= $1.count }
              && widened.excluded.count >= parsed.excluded.count, "synonyms dropped a part")
        search(widened, text)
    }

    /// Groups with overlapping members (科技 and 技), a word member and a member that is a prefix of another.
    static let synonyms: SynonymTable = {
        do {
            return try SynonymTable(groups: [["甬", "宁波", "宁波市"], ["ai", "人工智能"], ["科技", "科学技术", "技"]])
        } catch {
            fatalError("hanfuzz: bad synonym groups: \(error)")
        }
    }()

    static func search(_ parsed: ParsedQuery, _ text: String) {
        do {
            let results = try index.search(parsed, text: text, options: SearchOptions(limit: 5, from: "2000-01-01"))
            check(results.hits.count <= results.total, "more hits than the total")
        } catch {
            fatalError("a query that parses fails to search: \(error)")
        }
    }

    static func page(_ text: String) {
        let page = PageParser().parse(text)
        let segmenter = Segmenter()
        for (number, article) in page.articles.enumerated() {
            let id = PageParser.articleID(fileID: "fuzz.txt", number: number + 1)
            let segments = segmenter.segments(of: article, id: id, title: article.title)
            check(Set(segments.map(\.id)).count == segments.count, "duplicate segment ids")
        }
    }

    static func jsonLines(_ bytes: [UInt8]) {
        let file = InputFile(path: "fuzz.jsonl", relativePath: "fuzz.jsonl", size: bytes.count, format: .jsonLines)
        CorpusReader().read(bytes, of: file) { item in
            if case .report(let report, _) = item {
                check(report.problems().isEmpty, "the reader passed an invalid report")
                let segments = Segmenter().segments(of: report)
                check(Set(segments.map(\.id)).count == segments.count, "duplicate segment ids")
            }
            return true
        }
        for format in [ReportBatch.Format.jsonLines, .json] {
            let (reports, problems) = ReportBatch.parse(bytes, format: format)
            check(reports.isEmpty || problems.isEmpty, "a batch with problems still yields reports")
            check(!reports.isEmpty || !problems.isEmpty, "a batch with neither reports nor problems")
            for report in reports { check(report.problems().isEmpty, "the batch passed an invalid report") }
        }
    }

    static func documents(_ bytes: [UInt8]) {
        for format in [InputFile.Format.pdf, .html] {
            var items: [ReadItem] = []
            CorpusReader().read(bytes, of: InputFile(path: "fuzz", relativePath: "fuzz", size: bytes.count, format: format)) {
                items.append($0)
                return true
            }
            // All or nothing: one report, one page or one problem per file.
            check(items.count == 1, "\(items.count) items from one \(format) file")
            switch items.first {
            case .report(let report, _)?:
                check(report.problems().isEmpty, "the reader passed an invalid report")
                check(format == .html || Segmenter().segments(of: report).allSatisfy { $0.page != nil },
                      "a PDF report segment without a page")
            case .page(let page, _, _)?:
                check(page.articles.allSatisfy { $0.segments.allSatisfy { ($0.page ?? 0) >= 1 } }, "a PDF segment without a page")
            default: break
            }
        }
    }

    /// Crashes with `message` when `condition` is false, so that the fuzzer records the input.
    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("hanfuzz invariant: \(message())") }
    }
}
