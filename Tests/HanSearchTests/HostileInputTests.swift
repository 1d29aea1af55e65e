import Foundation
import HanSearchTestSupport
import Testing
import Xapian
@testable import HanSearch

/// Runs the real `hanindex` binary of this build and captures what it says.
enum CLI {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Whether the output shows a crash rather than a message: a Swift runtime error or a backtrace.
        var looksLikeCrash: Bool {
            let text = stdout + stderr
            return ["Fatal error", "Stack dump", "Backtrace", "Segmentation fault", "Illegal instruction", "💣"]
                .contains { text.contains($0) } || status >= 128
        }
    }

    /// `hanindex` next to the test executable (the same build), or `HANINDEX`.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["HANINDEX"] { return path }
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return folder.appendingPathComponent("hanindex").path
    }

    /// Runs `hanindex arguments…`, feeding it `input` on stdin (then end of file).
    static func run(_ arguments: [String], input: Data = Data()) throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("no hanindex binary at \(binary): build it first (swift build), or set HANINDEX")
            return Outcome(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = input.isEmpty ? FileHandle.nullDevice : stdin
        try process.run()
        if !input.isEmpty {
            // Written on a thread of its own: the child may answer before it has read everything.
            Thread {
                stdin.fileHandleForWriting.write(input)
                try? stdin.fileHandleForWriting.close()
            }.start()
        }
        // Read both pipes before waiting, so that a chatty child never blocks on a full pipe.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errData.waitUntilSet()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData.value, as: UTF8.self))
    }

    /// Data handed from the stderr reader thread.
    final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private let done = DispatchSemaphore(value: 0)
        private var data: Data?
        func set(_ value: Data) {
            lock.withLock { data = value }
            done.signal()
        }
        func waitUntilSet() { done.wait() }
        var value: Data { lock.withLock { data ?? Data() } }
    }
}

/// Everything an index holds that a failed write must leave as it was: every segment's stored JSON
/// (which carries its id, text and fields), the counts, and the analyzer version.
struct IndexFingerprint: Equatable {
    var segments: [String]
    var stats: [Int]
    var analyzer: String

    static func of(_ path: String) throws -> IndexFingerprint {
        let index = try SearchIndex(path: path)
        let stats = try index.stats()
        var segments: [String] = []
        for docid in try index.database.postings("") {
            segments.append(String(decoding: try index.database.document(docid).value(slot: Schema.dataSlot), as: UTF8.self))
        }
        return IndexFingerprint(segments: segments.sorted(), stats: [stats.documents, stats.segments, stats.terms],
                                analyzer: stats.analyzer)
    }
}

@Suite("Hostile input: clear errors, never a crash, the index unchanged", .removingTemporaryFolders)
struct HostileInputTests {
    /// A committed index of two reports, and a folder for input files next to it.
    private func setUp() throws -> (index: String, folder: String) {
        let index = try TestSupport.index([
            Report(id: "base-1", title: "基础", body: "宁波科技服务业。\n第二段。", date: "2022-01-01"),
            Report(id: "base-2", title: "另一篇", body: "Debian 参考手册。"),
        ])
        let folder = temporaryPath("input")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return (index, folder)
    }

    private func write(_ bytes: [UInt8], _ name: String, in folder: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Indexes the file (`bytes` named `name`) into a fresh copy of the base index with the real CLI,
    /// and checks: exit status 2, every expected message on stderr, no crash, and the index unchanged.
    private func expectRefused(_ bytes: [UInt8], name: String, messages: [String],
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (index, folder) = try setUp()
        let before = try IndexFingerprint.of(index)
        let path = try write(bytes, name, in: folder)
        let outcome = try CLI.run(["index", path, "--index", index])
        #expect(outcome.status == 2, "stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(!outcome.looksLikeCrash, "\(outcome.stderr)", sourceLocation: sourceLocation)
        for message in messages {
            #expect(outcome.stderr.contains(message), "stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
        }
        #expect(try IndexFingerprint.of(index) == before, "the index changed", sourceLocation: sourceLocation)
    }

    private static func line(_ json: String) -> [UInt8] { Array((json + "\n").utf8) }

    @Test("invalid UTF-8: the file, line and byte offset")
    func invalidUTF8() throws {
        let good = Array(#"{"id": "x", "title": "t", "body": "好"}"#.utf8) + [0x0A]
        let bad = Array(#"{"id": "y", "title": "t", "body": ""#.utf8)
        let offset = good.count + bad.count
        try expectRefused(bad + [0xC3, 0x28] + Array("\"}\n".utf8),
                          name: "bad.jsonl", messages: ["bad.jsonl:1 (byte \(bad.count)): invalid UTF-8"])
        // The offset counts from the start of the file, also on later lines.
        let (index, folder) = try setUp()
        let path = try write(good + bad + [0xFF] + Array("\"}\n".utf8), "later.jsonl", in: folder)
        let outcome = try CLI.run(["index", path, "--index", index])
        #expect(outcome.stderr.contains("later.jsonl:2 (byte \(offset)): invalid UTF-8"), "\(outcome.stderr)")
        #expect(outcome.status == 2)
    }

    @Test("NUL bytes: raw in a text file, raw in a JSON line, escaped in a JSON string")
    func nulBytes() throws {
        try expectRefused(Array("标题\n\n正文".utf8) + [0] + Array("。\n".utf8), name: "page.txt",
                          messages: ["page.txt:3 (byte 14): contains a NUL byte"])
        try expectRefused(Array(#"{"id": "n", "title": "t", "body": "a"#.utf8) + [0] + Array("b\"}\n".utf8),
                          name: "raw.jsonl", messages: ["raw.jsonl:1: malformed JSON: Unescaped control character"])
        try expectRefused(Self.line(#"{"id": "n", "title": "t", "body": "a\u0000b"}"#), name: "escaped.jsonl",
                          messages: [#"escaped.jsonl:1: record "n" skipped: the text contains a NUL character"#])
    }

    @Test("a binary file in the corpus folder and an empty file are named and skipped")
    func binaryAndEmptyFiles() throws {
        let (index, folder) = try setUp()
        let before = try IndexFingerprint.of(index)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for value in 0..<4096 { png.append(UInt8(truncatingIfNeeded: value &* 2_654_435_761 >> 13)) }
        _ = try write(png, "scan.png", in: folder)
        _ = try write(png, "scan.txt", in: folder)
        _ = try write(png, "scan.jsonl", in: folder)
        _ = try write([], "empty.jsonl", in: folder)
        let outcome = try CLI.run(["index", folder, "--index", index])
        #expect(outcome.status == 2)
        #expect(!outcome.looksLikeCrash, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("scan.png: skipped: not a .jsonl, .json, .txt, .pdf or .html file"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("scan.txt:1 (byte 0): invalid UTF-8 (is this a binary file?)"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("scan.jsonl:1 (byte 0): this looks like a binary file"), "\(outcome.stderr)")
        let (corruptIndex, _) = try setUp()
        let oneBadLine = try write(Array(#"{"id": "ok", "title": "t", "body": "好"}"#.utf8) + [0x0A, 0x00, 0x0A], "one-bad.jsonl", in: folder)
        let corrupt = try CLI.run(["index", oneBadLine, "--index", corruptIndex])
        #expect(corrupt.stderr.contains("one-bad.jsonl:2: malformed JSON"), "one bad line is one bad record: \(corrupt.stderr)")
        #expect(outcome.stderr.components(separatedBy: "scan.jsonl").count == 2, "one message for the binary file")
        #expect(outcome.stderr.contains("empty.jsonl: the file is empty; nothing to index"), "\(outcome.stderr)")
        #expect(try IndexFingerprint.of(index) == before)
    }

    @Test("a JSON line nested 10,000 deep is a malformed record, not a stack overflow")
    func deepNesting() throws {
        let deep = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        try expectRefused(Self.line(deep), name: "deep.jsonl",
                          messages: ["deep.jsonl:1: malformed JSON: Too many nested arrays or dictionaries"])
        let arrays = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        try expectRefused(Array(arrays.utf8), name: "deep.json", messages: ["deep.json: malformed JSON: Too many nested"])
    }

    @Test("lone UTF-16 surrogates escaped in JSON are refused with what is wrong")
    func loneSurrogates() throws {
        try expectRefused(Self.line(#"{"id": "s", "title": "t", "body": "\ud800 孤"}"#), name: "high.jsonl",
                          messages: ["high.jsonl:1: malformed JSON:", "character 35"])
        try expectRefused(Self.line(#"{"id": "s", "title": "t", "body": "\udc00"}"#), name: "low.jsonl",
                          messages: ["low.jsonl:1: malformed JSON:", "no high character"])
    }

    @Test("ids with control characters are refused and shown escaped, never raw on the terminal")
    func controlCharacterIDs() throws {
        try expectRefused(Self.line(#"{"id": "evil\u001b[31m\u0007", "title": "t", "body": "x"}"#), name: "ids.jsonl",
                          messages: [#"record "evil\u{1B}[31m\u{7}" skipped: "id" contains a control character"#])
        #expect(InputProblem.printable("a\u{202E}b") == "a\\u{202E}b")
        #expect(InputProblem.printable(String(repeating: "长", count: 100)).count == 81)
    }

    @Test("emoji, combining marks, right-to-left text and ids with / and # are indexed and found")
    func unusualButValid() throws {
        let (index, folder) = try setUp()
        let reports = [
            #"{"id": "2024/05/a#b", "title": "斜杠 # 井号", "body": "表情😀符号与组合字符 é（e\u0301）并存。"}"#,
            #"{"id": "rtl", "title": "עברית", "body": "שלום עולם 和 مرحبا 混排。"}"#,
        ]
        let path = try write(Array((reports.joined(separator: "\n") + "\n").utf8), "unusual.jsonl", in: folder)
        let outcome = try CLI.run(["index", path, "--index", index])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let search = try SearchIndex(path: index)
        #expect(try TestSupport.allMatches("符号与组合", in: search) == ["2024/05/a#b#1"])
        #expect(throws: QuerySyntaxError.self) { try search.search("😀") }  // a symbol: nothing to search for
        #expect(try TestSupport.allMatches("é", in: search) == ["2024/05/a#b#1"])  // NFKC: e + U+0301 is é
        #expect(try TestSupport.allMatches("שלום", in: search) == ["rtl#1"])
        #expect(try TestSupport.allMatches("مرحبا 混排", in: search) == ["rtl#1"])
        #expect(try search.segments(ofDocument: "2024/05/a#b").map(\.id) == ["2024/05/a#b#1"])
        let shown = try CLI.run(["show", "2024/05/a#b", "--index", index])
        #expect(shown.status == 0 && shown.stdout.contains("表情😀符号"), "\(shown.stderr)")
    }

    @Test("hostile queries: 1 MB, only punctuation, only spaces, unbalanced quotes, OR OR — a message and status 2")
    func hostileQueries() throws {
        let (index, _) = try setUp()
        // (query, message, exit status): 2 for a query that does not parse, 64 (usage) for no query at all.
        let cases: [(String, String, Int32)] = [
            // A command-line argument cannot hold 1 MB (Linux limits one to 128 KiB); 40,000 characters
            // here, 1 MB through the parser itself below and over HTTP in the server's tests.
            (String(repeating: "科", count: 40_000), "the query is 40000 characters long; the limit is 1000", 2),
            ("，。！？…", "the query contains nothing to search for", 2),
            ("   \t ", "give a query", 64),
            ("\"宁波 科技", "a quote is opened but never closed", 2),
            ("OR OR", "OR needs a word to search for on its left", 2),
            ("宁波 OR", "OR needs a word to search for on its right", 2),
            ("-宁波", "the query only excludes", 2),
        ]
        for (query, message, status) in cases {
            let outcome = try CLI.run(["search", "--index", index, "--", query])
            #expect(outcome.status == status, "\(query.prefix(20)): \(outcome.stderr.prefix(300))")
            #expect(outcome.stderr.contains(message), "\(query.prefix(20)): \(outcome.stderr.prefix(300))")
            #expect(!outcome.looksLikeCrash)
            #expect(outcome.stderr.utf8.count < 2_000, "the error should not echo a huge query back")
        }
        #expect(throws: QuerySyntaxError(message: "the query contains nothing to search for")) {
            try QueryParser().parse("   \t ")
        }
        let megabyte = String(repeating: "科技 ", count: 350_000)
        #expect(throws: QuerySyntaxError(message: "the query is 1050000 characters long; the limit is 1000")) {
            try QueryParser().parse(megabyte)
        }
    }

    @Test("a second writer is told the index is locked by another process, without a stack trace")
    func secondWriter() throws {
        let (index, folder) = try setUp()
        let before = try IndexFingerprint.of(index)
        let holder = try IndexWriter(path: index)
        let path = try write(Self.line(#"{"id": "new", "title": "t", "body": "新内容"}"#), "new.jsonl", in: folder)
        let outcome = try CLI.run(["index", path, "--index", index])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("is locked by another process"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("POST /documents"))
        #expect(!outcome.looksLikeCrash)
        #expect(outcome.stderr.split(separator: "\n").count <= 2, "one clear message: \(outcome.stderr)")
        try holder.close()
        #expect(try IndexFingerprint.of(index) == before)
    }

    @Test("a huge report (50 MB in the full run, 5 MB otherwise), half of it one run without a sentence end: indexed whole in bounded segments, and found")
    func hugeReport() throws {
        let (index, folder) = try setUp()
        let sentence = "科技服务业增长迅速。"
        let size = TestSupport.isFullRun ? 50_000_000 : 5_000_000
        let half = size / 2 / sentence.utf8.count + 1
        let body = String(repeating: sentence, count: half) + String(repeating: "没有句号的长串", count: half * 10 / 7)
            + "结尾独有的句子。"
        #expect(body.utf8.count > size)
        let record = #"{"id": "big", "title": "大文件", "body": ""# + body + "\"}\n"
        let path = try write(Array(record.utf8), "big.jsonl", in: folder)
        let outcome = try CLI.run(["index", path, "--index", index])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let search = try SearchIndex(path: index)
        let segments = try search.segments(ofDocument: "big")
        #expect(segments.map(\.text).joined() == body)
        #expect(segments.allSatisfy { $0.text.count <= Segmenter().maximumSentenceLength })
        #expect(try TestSupport.allMatches("结尾独有", in: search) == [segments.last!.id])
        #expect(try search.search("增长迅速", options: SearchOptions(limit: 1)).total == segments.count { $0.text.contains("增长迅速") })
    }
}
