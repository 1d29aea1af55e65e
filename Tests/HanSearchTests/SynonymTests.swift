import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

@Suite("Synonyms", .removingTemporaryFolders)
struct SynonymTests {
    static let ningbo = try! SynonymTable(groups: [["甬", "宁波"]])

    private func table(_ text: String) throws -> SynonymTable {
        try SynonymFile.parse(Array(text.utf8), file: "syn.txt")
    }

    private func fileError(_ bytes: [UInt8]) -> SynonymError? {
        do {
            _ = try SynonymFile.parse(bytes, file: "syn.txt")
            return nil
        } catch {
            return error
        }
    }

    private func texts(_ group: [QueryPart]) -> [String] { group.map(\.text) }

    @Test("the file format: whitespace-separated members, comments, blank lines, members normalized")
    func fileFormat() throws {
        let table = try table("\u{FEFF}# 地名\n\n甬 宁波   # 简称\n ＡＩ\t人工智能 \r\n")
        #expect(table.groups == [["甬", "宁波"], ["ai", "人工智能"]])
    }

    @Test("groups that share a member are merged; repeated members count once")
    func merging() throws {
        let table = try table("甬 宁波\n杭州 杭\n宁波 明州 甬\n临安 杭州")
        #expect(table.groups == [["甬", "宁波", "明州"], ["杭州", "杭", "临安"]])
        #expect(try table.alternatives(of: "明州港") == ["明州港", "甬港", "宁波港"])
        // Two groups joined by a later line.
        #expect(try self.table("a b\nc d\nb c").groups == [["a", "b", "c", "d"]])
    }

    @Test("bad files are refused with the file and line")
    func badFiles() throws {
        #expect(fileError(Array("甬 宁波\n宁波\n".utf8))?.description.hasPrefix("syn.txt:2: ") == true)
        #expect(fileError(Array("甬 甬\n".utf8))?.line == 1)
        #expect(fileError(Array("甬 宁波\nc++ c语言\n".utf8))?.line == 2)
        #expect(fileError(Array("甬 宁波\nc++ c语言\n".utf8))?.message.contains("\"+\"") == true)
        #expect(fileError(Array("甬 宁波\n\n".utf8) + [0xE7, 0x94] + Array(" 宁波\n".utf8)) == SynonymError(
            file: "syn.txt", line: 3, message: "invalid UTF-8"))
        #expect(fileError(Array("甬 \(String(repeating: "长", count: 65))".utf8))?.line == 1)
    }

    @Test("a missing default file is no synonyms; a missing or huge explicit file is an error")
    func files() throws {
        let folder = temporaryPath("index")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let defaultFile = try #require(SynonymFile.resolve(explicit: nil, index: folder))
        #expect(defaultFile.path == folder + "/synonyms.txt")
        #expect(try defaultFile.load().isEmpty)
        #expect(SynonymFile.resolve(explicit: nil, index: "\(folder),\(folder)2") == nil)
        let explicit = try #require(SynonymFile.resolve(explicit: folder + "/other.txt", index: folder))
        #expect(throws: SynonymError(file: explicit.path, message: "no such synonym file")) { try explicit.load() }
        try String(repeating: "甬 宁波\n", count: 100_000).write(toFile: explicit.path, atomically: true, encoding: .utf8)
        #expect(throws: SynonymError.self) { try explicit.load() }
        try "甬 宁波\n".write(toFile: defaultFile.path, atomically: true, encoding: .utf8)
        #expect(try defaultFile.load() == SynonymTests.ningbo)
    }

    @Test("a member is replaced in both directions")
    func bothDirections() throws {
        let parser = QueryParser(synonyms: SynonymTests.ningbo)
        #expect(texts(try parser.parse("宁波落户").required[0]) == ["宁波落户", "甬落户"])
        #expect(texts(try parser.parse("甬科技").required[0]) == ["甬科技", "宁波科技"])
        #expect(try parser.parse("甬科技").required[0][1].patterns == [PhrasePattern(["宁波", "波科", "科技"])])
        #expect(texts(try parser.parse("杭州").required[0]) == ["杭州"])
        #expect(texts(try QueryParser().parse("宁波落户").required[0]) == ["宁波落户"])
    }

    @Test("every combination of several occurrences")
    func severalOccurrences() throws {
        let table = try table("甬 宁波\n沪 上海")
        #expect(Set(try table.alternatives(of: "宁波到上海再回宁波")) == [
            "宁波到上海再回宁波", "甬到上海再回宁波", "宁波到沪再回宁波", "宁波到上海再回甬",
            "甬到沪再回宁波", "甬到上海再回甬", "宁波到沪再回甬", "甬到沪再回甬",
        ])
        #expect(try table.alternatives(of: "宁波到上海再回宁波").first == "宁波到上海再回宁波")
    }

    @Test("the longest member wins and occurrences never overlap")
    func longestMember() throws {
        let table = try table("宁波 甬\n宁波市 甬城")
        #expect(try table.alternatives(of: "宁波市区") == ["宁波市区", "甬城区"])
    }

    @Test("a member made of letters or digits matches whole words only")
    func wordBoundaries() throws {
        let table = try table("ai 人工智能")
        #expect(try table.alternatives(of: "AI芯片") == ["ai芯片", "人工智能芯片"])
        #expect(try table.alternatives(of: "aid") == ["aid"])
        #expect(try table.alternatives(of: "openai") == ["openai"])
    }

    @Test("more alternatives than the cap is an error that says how to avoid it")
    func cap() throws {
        let members = (1...8).map { "成员\(String(repeating: "甲", count: $0))" }
        let parser = QueryParser(synonyms: try SynonymTable(groups: [members]))
        #expect(try parser.parse("成员甲乙成员甲").required[0].count == 64)
        #expect(throws: QuerySyntaxError.self) { try parser.parse("成员甲乙成员甲丙成员甲") }
        do {
            _ = try parser.parse("成员甲乙成员甲丙成员甲")
        } catch {
            #expect(error.message.contains("quote it"))
        }
        #expect(try parser.parse("\"成员甲乙成员甲丙成员甲\"").required[0].count == 1)
    }

    @Test("quoted parts are never expanded; excluded and title parts are")
    func quotedExcludedTitle() throws {
        let parser = QueryParser(synonyms: SynonymTests.ningbo)
        let quoted = try parser.parse("\"宁波落户\"")
        #expect(texts(quoted.required[0]) == ["宁波落户"])
        let query = try parser.parse("科技 -宁波 title:甬 OR 杭州")
        #expect(texts(query.excluded) == ["宁波", "甬"])
        #expect(texts(query.required[1]) == ["甬", "宁波", "杭州"])
        #expect(query.required[1].map(\.field) == [.title, .title, .text])
        #expect(texts(try parser.parse("-\"宁波\" 科技").excluded) == ["宁波"])
    }

    @Test("on the sample page, 宁波落户 finds 来甬落户 with the group, not without it, and not in quotes")
    func samplePage() throws {
        let fixture = try PageSearchTests.Fixture()
        let index = fixture.index
        #expect(try index.search("宁波落户").total == 0)
        index.parser.synonyms = SynonymTests.ningbo
        let results = try index.search("宁波落户")
        #expect(results.total == 1)
        let hit = try #require(results.hits.first)
        #expect(hit.text.contains("来甬落户"))
        #expect(hit.snippet.contains("来<mark>甬落户</mark>"))
        #expect(try index.search("\"宁波落户\"").total == 0)
        // Widening never loses what the query found by itself.
        #expect(try index.search("宁波科技").total > 0)
        #expect(try TestSupport.allMatches("宁波科技", in: index).isStrictSubset(of: TestSupport.allMatches("宁波 OR 甬", in: index)))
    }
}
