import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

@Suite("Reading input files", .removingTemporaryFolders)
struct CorpusReaderTests {
    /// Writes `bytes` to a new file named `name` and reads it, returning reports and problems.
    private func read(_ bytes: [UInt8], name: String, chunkSize: Int = 1 << 20) throws -> (reports: [Report], pages: [Page], problems: [InputProblem]) {
        let folder = temporaryPath("input")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = (folder as NSString).appendingPathComponent(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reader = CorpusReader(chunkSize: chunkSize)
        let (files, missing) = reader.files(in: [folder])
        var reports: [Report] = []
        var pages: [Page] = []
        var problems = missing
        for file in files {
            reader.read(file) { item in
                switch item {
                case .report(let report, _): reports.append(report)
                case .page(let page, _, _): pages.append(page)
                case .problem(let problem): problems.append(problem)
                }
                return true
            }
        }
        return (reports, pages, problems)
    }

    private func read(_ text: String, name: String) throws -> (reports: [Report], pages: [Page], problems: [InputProblem]) {
        try read(Array(text.utf8), name: name)
    }

    @Test("a record with no text is skipped with a message naming it, so it cannot replace a document with nothing")
    func recordWithoutText() throws {
        let result = try read("""
            {"id": "e1", "title": "t", "body": ""}
            {"id": "e2", "title": "t", "body": "  \\n\\t "}
            {"id": "ok", "title": "t", "body": "正文"}
            """, name: "reports.jsonl")
        #expect(result.reports.map(\.id) == ["ok"])
        #expect(result.problems.map(\.description).count == 2)
        for (problem, id) in zip(result.problems, ["e1", "e2"]) {
            #expect(problem.description.contains("record \"\(id)\" skipped") && problem.description.contains("no text"),
                    "\(problem)")
        }
    }

    @Test("JSON Lines: each line one report; optional fields decoded")
    func jsonLines() throws {
        let result = try read("""
            {"id": "a", "title": "标题", "body": "第一段\\n第二段", "date": "2022-09-10", "source": "宁波日报", "authors": ["翁云塞"]}

            {"id": "b", "title": "t", "body": "正文"}
            """, name: "reports.jsonl")
        #expect(result.problems.isEmpty)
        #expect(result.reports.map(\.id) == ["a", "b"])
        #expect(result.reports[0].authors == ["翁云塞"])
        #expect(Segmenter().segments(of: result.reports[0]).map(\.id) == ["a#1", "a#2"])
    }

    @Test("a malformed line is reported with its line number; the other lines are read")
    func malformedLine() throws {
        let result = try read("""
            {"id": "a", "title": "t", "body": "一"}
            {"id": "b", "title": "t", "body": }
            {"id": "c", "body": "三"}
            {"id": "d", "title": "t", "body": "四", "date": "2022-02-30"}
            {"id": "e", "title": 5, "body": "五"}
            {"id": "f", "title": "t", "body": "六"}
            """, name: "mixed.jsonl")
        #expect(result.reports.map(\.id) == ["a", "f"])
        #expect(result.problems.map(\.location.line) == [2, 3, 4, 5])
        #expect(result.problems[0].message.hasPrefix("malformed JSON"))
        #expect(result.problems[1].message.contains("\"title\" is missing"))
        #expect(result.problems[2].message.contains("\"date\" must be a calendar date"))
        #expect(result.problems[3].message.contains("\"title\" must be a string"))
        #expect(result.problems[0].description.hasSuffix("mixed.jsonl:2: " + result.problems[0].message))
    }

    @Test("invalid UTF-8 names the file, line and byte offset")
    func invalidUTF8() throws {
        var bytes = Array("{\"id\": \"a\", \"title\": \"t\", \"body\": \"一\"}\n{\"id\": \"b\", \"title\": \"t\", \"body\": \"".utf8)
        let offset = bytes.count
        bytes += [0xE4, 0xB8] + Array("\"}\n".utf8)
        let result = try read(bytes, name: "bad.jsonl")
        #expect(result.reports.map(\.id) == ["a"])
        #expect(result.problems.count == 1)
        #expect(result.problems[0].location.line == 2)
        #expect(result.problems[0].location.byteOffset == offset)
        #expect(result.problems[0].message.contains("invalid UTF-8"))
    }

    @Test("JSON Lines are streamed: any chunk size gives the same reports, line numbers and byte offsets")
    func streamedChunks() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"id\": \"a\", \"title\": \"标题\", \"body\": \"第一段\"}\r\n\n".utf8)
        bytes += Array("{\"id\": \"b\", \"title\": \"t\", \"body\": \"".utf8)
        let offset = bytes.count
        bytes += [0xE4, 0xB8] + Array("\"}\n{\"id\": \"c\", \"title\": \"t\", \"body\": }\n".utf8)
        bytes += Array("{\"id\": \"d\", \"title\": \"t\", \"body\": \"末行没有换行\"}".utf8)
        for chunkSize in [1, 2, 3, 7, 64, 1 << 20] {
            let result = try read(bytes, name: "chunks.jsonl", chunkSize: chunkSize)
            #expect(result.reports.map(\.id) == ["a", "d"], "chunk size \(chunkSize)")
            #expect(result.reports.first?.title == "标题")
            #expect(result.reports.last?.body == "末行没有换行")
            #expect(result.problems.map(\.location.line) == [3, 4], "chunk size \(chunkSize)")
            #expect(result.problems.first?.location.byteOffset == offset, "chunk size \(chunkSize)")
        }
        #expect(try read([0xEF, 0xBB], name: "short.jsonl", chunkSize: 1).problems.count == 1)
    }

    @Test("binary, empty and unsupported files are refused with a message naming them")
    func unusableFiles() throws {
        let binary = try read([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01], name: "image.txt")
        #expect(binary.pages.isEmpty)
        #expect(binary.problems.count == 1)
        #expect(binary.problems[0].location.file.hasSuffix("image.txt"))
        let empty = try read([], name: "empty.jsonl")
        #expect(empty.problems.map(\.message) == ["the file is empty; nothing to index"])
        let blank = try read("  \n\n ", name: "blank.txt")
        #expect(blank.problems.count == 1)
        let other = try read("x", name: "notes.doc")
        #expect(other.problems.first?.message.contains("not a .jsonl") == true)
        let notPDF = try read("x", name: "notes.pdf")
        #expect(notPDF.problems.first?.message.contains("not a PDF") == true)
    }

    @Test("a JSON file holds one report or an array of them")
    func jsonFile() throws {
        #expect(try read(#"{"id": "a", "title": "t", "body": "一"}"#, name: "one.json").reports.count == 1)
        #expect(try read(#"[{"id": "a", "title": "t", "body": "一"}, {"id": "b", "title": "t", "body": "二"}]"#,
                         name: "many.json").reports.count == 2)
    }

    @Test("a text file is parsed as a newspaper page")
    func textFile() throws {
        let result = try read("标题在这里\n\n张三 李四\n\n正文第一句。\n", name: "page.txt")
        #expect(result.problems.isEmpty)
        #expect(result.pages.first?.articles.first?.authors == ["张三", "李四"])
    }

    @Test("ids: empty, overlong or with control characters are refused; slashes and # are fine")
    func ids() {
        #expect(!Report(id: "", title: "t", body: "b").problems().isEmpty)
        #expect(!Report(id: String(repeating: "x", count: 201), title: "t", body: "b").problems().isEmpty)
        #expect(!Report(id: "a\u{7}b", title: "t", body: "b").problems().isEmpty)
        #expect(Report(id: "2022/09/a#b", title: "t", body: "b").problems().isEmpty)
    }

    @Test("long paragraphs are split at sentence ends, never inside a sentence")
    func segmenting() {
        let sentence = String(repeating: "字", count: 30) + "。"
        let report = Report(id: "a", title: "t", body: String(repeating: sentence, count: 10))
        let segments = Segmenter(maximumLength: 100).segments(of: report)
        #expect(segments.count == 4)
        #expect(segments.allSatisfy { $0.text.hasSuffix("。") && $0.text.count <= 100 })
        #expect(segments.map(\.text).joined() == report.body)
        let long = Report(id: "b", title: "t", body: String(repeating: "字", count: 300))
        #expect(Segmenter(maximumLength: 100).segments(of: long).count == 1)
    }
}
