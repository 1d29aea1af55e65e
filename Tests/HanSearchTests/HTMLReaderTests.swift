import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

@Suite("HTML reports", .removingTemporaryFolders)
struct HTMLReaderTests {
    private func read(_ html: String, name: String = "page.html") -> ReadItem? {
        var item: ReadItem?
        CorpusReader().read(Array(html.utf8), of: InputFile(path: name, relativePath: name, size: html.utf8.count, format: .html)) {
            item = $0
            return true
        }
        return item
    }

    @Test("Fixtures/html/report.html: title from <title>, a paragraph per block, no script, style or nav text, entities decoded")
    func fixture() throws {
        let path = TestSupport.repositoryRoot.appendingPathComponent("Tests/HanSearchTests/Fixtures/html/report.html").path
        guard case .report(let report, _)? = read(try String(contentsOfFile: path, encoding: .utf8), name: "report.html") else {
            Issue.record("report.html is not read as a report")
            return
        }
        #expect(report.id == "report.html")
        #expect(report.title == "宁波科技服务业&创新")
        #expect(Segmenter.paragraphs(of: report.body) == [
            "2021年，宁波市科技服务业营业收入规模达445.4亿元，居全省第二。",
            "科技服务业的体量和能级<很大>程度上决定了一座城市的活力。",
            "第一条", "第二条",
        ])
        for markup in ["<p", "color", "脚本", "首页", "&lt;", "&amp;", "&#x"] { #expect(!report.body.contains(markup), "\(markup)") }
    }

    @Test("indexed: found by its words, not by its tags or script")
    func search() throws {
        let path = TestSupport.repositoryRoot.appendingPathComponent("Tests/HanSearchTests/Fixtures/html/report.html").path
        guard case .report(let report, _)? = read(try String(contentsOfFile: path, encoding: .utf8)) else { return }
        let index = try SearchIndex(path: try TestSupport.index([report]))
        #expect(try index.search("决定了一座城市", options: SearchOptions()).hits.map(\.id) == ["page.html#2"])
        for query in ["脚本", "color", "nav"] { #expect(try index.search(query, options: SearchOptions()).total == 0, "\(query)") }
    }

    @Test("no charset declared: read as UTF-8; the title falls back to <h1>, then to the file name")
    func fallbacks() {
        guard case .report(let headed, _)? = read("<h1>标题</h1><p>正文一段。</p>") else { Issue.record("not read"); return }
        #expect(headed.title == "标题" && headed.body == "正文一段。")
        guard case .report(let bare, _)? = read("<div>只有正文</div>", name: "bare.htm") else { Issue.record("not read"); return }
        #expect(bare.title == "bare.htm" && bare.body == "只有正文")
    }

    @Test("markup without text is refused naming the file")
    func noText() {
        guard case .problem(let problem)? = read("<html><head><title>T</title><script>x()</script></head><body> </body></html>") else {
            Issue.record("read")
            return
        }
        #expect(problem.location.file == "page.html" && problem.message.contains("holds no text"))
    }
}
