import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

/// The sample newspaper page, indexed as `hanindex index corpus/` does, searched as a reader would.
@Suite("Searching the sample newspaper page", .removingTemporaryFolders)
struct PageSearchTests {
    static let fileID = "ningbo-2022-science-services.txt"

    final class Fixture: @unchecked Sendable {
        let page: Page
        let index: SearchIndex
        let path: String

        init() throws {
            let file = TestSupport.repositoryRoot.appendingPathComponent("corpus/\(PageSearchTests.fileID)").path
            let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
            var page: Page?
            CorpusReader().read(InputFile(path: file, relativePath: PageSearchTests.fileID, size: size, format: .text)) {
                if case .page(let read, _, _) = $0 { page = read }
                return true
            }
            self.page = try #require(page)
            path = temporaryPath()
            let writer = try IndexWriter.waitingForLock(path: path)
            try writer.add(page: self.page, fileID: PageSearchTests.fileID)
            try writer.commit()
            index = try SearchIndex(path: path)
        }
    }

    let fixture: Fixture

    init() throws {
        fixture = try Fixture()
    }

    /// A sentence typed as a reader would: ASCII quotes (query syntax) typed as the typographic ones.
    private func typed(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "”")
    }

    private func hits(_ query: String) throws -> [SearchHit] {
        try fixture.index.search(typed(query), options: SearchOptions(limit: 1000)).hits
    }

    @Test("every sentence of every body paragraph finds its own segment")
    func everySentence() throws {
        var checked = 0
        for (number, article) in fixture.page.articles.enumerated() {
            let id = PageParser.articleID(fileID: Self.fileID, number: number + 1)
            let segments = try fixture.index.segments(ofDocument: id)
            for segment in segments where segment.kind == .body {
                let sentences = segment.text.split(whereSeparator: { "。！？".contains($0) })
                for sentence in sentences where sentence.count >= 4 {
                    let found = try hits(String(sentence)).map(\.id)
                    #expect(found.contains(segment.id), "sentence \(sentence) should find \(segment.id)")
                    checked += 1
                }
            }
            _ = article
        }
        #expect(checked > 60)
    }

    @Test("phrases that the extraction split across a caption, a line or a space are found whole")
    func brokenPhrases() throws {
        let phrases = [
            "2021年,宁波科技服务业龙头企业营业收入占全市总营收比重近60%",  // split by two captions
            "在\"超级市场\"加持之下",                                   // split across paragraphs
            "小麦等级粉加工全产业链项目直接带动就业2000人",                 // split by a caption
            "为助力凉山州医疗卫生事业发展",                               // split across paragraphs
            "科技服务业的体量和能级",                                     // 科技服 务业 (stray space)
            "很大程度上决定了一座城市",                                   // 决 定了 (line break)
            "该项目自开发完成后已为当地提供3000多个直接就业岗位",           // 自开 发 (line break)
            "优化发展环境等方面加大支",
        ]
        for phrase in phrases {
            let found = try hits(phrase)
            #expect(found.count == 1, "\(phrase): \(found.map(\.id))")
            #expect(found.first?.kind == .body)
        }
    }

    @Test("a caption finds the caption segment, not a body paragraph")
    func captions() throws {
        let captions = fixture.page.articles.flatMap { $0.texts(of: .caption) }
        #expect(captions.count == 7)
        for caption in captions {
            let found = try hits(caption)
            #expect(found.map(\.kind) == [.caption], "\(caption): \(found.map(\.id))")
        }
    }

    @Test("hits carry the article title and section; title: searches article titles")
    func articleFields() throws {
        let hit = try #require(try hits("中科远东的探索是宁波的一个缩影").first)
        #expect(hit.title == "科技服务业换挡提速引领港城创新")
        #expect(hit.section == "育主体涌现一批科技服务业亩产效益\"领跑\"企业")
        #expect(hit.doc == "ningbo-2022-science-services.txt/1")
        let inTitle = try hits("title:对口支援 凉山")
        #expect(!inTitle.isEmpty)
        #expect(inTitle.allSatisfy { $0.doc == "ningbo-2022-science-services.txt/2" })
    }

    @Test("indexing the same file again keeps every segment id and adds nothing")
    func stableIDs() throws {
        let before = try fixture.index.stats()
        let ids = try fixture.index.segments(ofDocument: "ningbo-2022-science-services.txt/2").map(\.id)
        let writer = try IndexWriter.waitingForLock(path: fixture.path)
        try writer.add(page: fixture.page, fileID: Self.fileID)
        try writer.commit()
        try fixture.index.reopen()
        #expect(try fixture.index.stats().segments == before.segments)
        #expect(try fixture.index.segments(ofDocument: "ningbo-2022-science-services.txt/2").map(\.id) == ids)
    }

    @Test("a page that loses an article drops the stale article from the index")
    func staleArticles() throws {
        let writer = try IndexWriter.waitingForLock(path: fixture.path)
        var shorter = fixture.page
        shorter.articles.removeLast()
        try writer.add(page: shorter, fileID: Self.fileID)
        try writer.commit()
        try fixture.index.reopen()
        #expect(try fixture.index.segments(ofDocument: "ningbo-2022-science-services.txt/2").isEmpty)
        #expect(try fixture.index.stats().documents == 1)
    }
}
