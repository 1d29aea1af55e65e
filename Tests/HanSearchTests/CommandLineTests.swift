import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

/// What a newcomer meets in the first hour with `hanindex`, through the real binary.
@Suite("hanindex: messages, listing and deleting", .removingTemporaryFolders)
struct CommandLineTests {
    static let reports = [
        Report(id: "tea", title: "龙井", body: "龙井茶产自杭州。\n茶农采摘新叶。", date: "2022-03-01", source: "浙江日报"),
        Report(id: "village", title: "龙井村", body: "宁波也有龙井村。", date: "2021-05-02"),
        Report(id: "other", title: "港城", body: "宁波落户政策。\n杭州落户。"),
    ]

    /// The documents of `hits` in a `search --json` answer.
    private func documents(_ outcome: CLI.Outcome) throws -> [String] {
        try JSONDecoder().decode(SearchResults.self, from: Data(outcome.stdout.utf8)).hits.map(\.doc)
    }

    @Test("an exclusion after the first query word needs no quotes, with options before and after; -- still works")
    func unquotedExclusion() throws {
        let index = try TestSupport.index(Self.reports)
        for arguments in [["search", "--json", "--index", index, "龙井", "-杭州"],
                          ["search", "龙井", "-杭州", "--json", "--index", index, "--limit", "5"],
                          ["search", "--json", "--index", index, "--", "龙井", "-杭州"]] {
            let outcome = try CLI.run(arguments)
            #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)")
            #expect(try documents(outcome) == ["village"], "\(arguments)")
        }
        let synonyms = try CLI.run(["synonyms", "--index", index, "宁波落户", "-杭州"])
        #expect(synonyms.status == 0, "\(synonyms.stderr)")
        #expect(synonyms.stdout.contains("宁波落户 -杭州 searches for:\n  宁波落户\n  not 杭州\n"), "\(synonyms.stdout)")
        // A misspelt option is not searched for.
        let typo = try CLI.run(["search", "--index", index, "龙井", "--limt", "5"])
        #expect(typo.status == 64 && typo.stderr.contains("unknown option '--limt'"), "\(typo.stderr)")
    }

    @Test("list shows every document with its segment count, date and source; --json, --limit and --offset page")
    func list() throws {
        let index = try TestSupport.index(Self.reports)
        let segments = Self.reports.map { Segmenter().segments(of: $0).count }
        #expect(segments == [2, 1, 2], "one segment per paragraph")
        let json = try CLI.run(["list", "--json", "--index", index])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.split(separator: "\n").count == 1, "one compact object: \(json.stdout)")
        let listed = try JSONDecoder().decode(DocumentList.self, from: Data(json.stdout.utf8))
        #expect(listed == DocumentList(total: 3, documents: zip(Self.reports, segments).map { report, count in
            DocumentSummary(id: report.id, title: report.title, segments: count, date: report.date, source: report.source)
        }))

        let text = try CLI.run(["list", "--index", index])
        let lines = text.stdout.split(separator: "\n").map(String.init)
        #expect(lines == ["3 documents in \(index)",
                          "tea  龙井  (2 segments, 2022-03-01, 浙江日报)",
                          "village  龙井村  (1 segment, 2021-05-02)",
                          "other  港城  (2 segments)"], "\(text.stdout)")

        let page = try CLI.run(["list", "--index", index, "--offset", "1", "--limit", "1"])
        #expect(page.stdout.split(separator: "\n").map(String.init) == ["3 documents in \(index) (showing 2–2)",
                                                                        "village  龙井村  (1 segment, 2021-05-02)"])
        let counted = try CLI.run(["list", "--index", index, "--limit", "0"])
        #expect(counted.stdout == "3 documents in \(index) (none shown)\n", "\(counted.stdout)")
        let missing = try CLI.run(["list", "--index", temporaryPath()])
        #expect(missing.status == 1 && missing.stderr.contains("no index at"), "\(missing.stderr)")
    }

    @Test("delete removes documents and their segments, in every shard; an unknown id changes nothing")
    func delete() throws {
        let folder = temporaryPath("shards")
        let shards = try ShardList(parsing: "\(folder)/a,\(folder)/b")
        let reports = (1...6).map { Report(id: "r\($0)", title: "第\($0)篇", body: "宁波第\($0)段。\n杭州第\($0)段。") }
        #expect(Set(reports.map { shards.shard(forDocument: $0.id) }).count == 2, "the test needs both shards used")
        let writer = try ShardedWriter(shards: shards)
        for report in reports { try writer.add(report) }
        try writer.commit()
        try writer.close()
        let spec = shards.description
        let before = try SearchIndex(shards: shards).stats()

        let unknown = try CLI.run(["delete", "--index", spec, "r1", "nope"])
        #expect(unknown.status == 1, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("no document with id \"nope\""), "\(unknown.stderr)")
        #expect(unknown.stderr.split(separator: "\n").count == 1 && !unknown.stderr.contains("Usage"), "\(unknown.stderr)")
        #expect(try SearchIndex(shards: shards).stats().segments == before.segments, "nothing deleted")

        let victims = reports.filter { ["r1", "r2", "r3", "r4"].contains($0.id) }
        #expect(Set(victims.map { shards.shard(forDocument: $0.id) }).count == 2, "the ids to delete span both shards")
        let deleted = try CLI.run(["delete", "--index", spec] + victims.map(\.id))
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.split(separator: "\n").map(String.init)
                == victims.map { "deleted \($0.id) (\(Segmenter().segments(of: $0).count) segments)" }, "\(deleted.stdout)")
        let after = try SearchIndex(shards: shards)
        #expect(try after.documents().documents.map(\.id).sorted() == ["r5", "r6"])
        #expect(try after.stats().segments == before.segments - victims.reduce(0) { $0 + Segmenter().segments(of: $1).count })
        #expect(try after.segments(ofDocument: "r1").isEmpty)

        let missingIndex = temporaryPath()
        let nowhere = try CLI.run(["delete", "--index", missingIndex, "r5"])
        #expect(nowhere.status == 1 && nowhere.stderr.contains("no index at"), "\(nowhere.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missingIndex), "a mistyped --index is not created")
    }

    @Test("counts of one are singular: indexed 1 document (1 segment) from 1 file, 1 matching segment")
    func singular() throws {
        let folder = temporaryPath("input")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"id": "one", "title": "独篇", "body": "只有一段。"}"#.write(toFile: folder + "/one.jsonl", atomically: true, encoding: .utf8)
        let index = temporaryPath()
        let built = try CLI.run(["index", folder, "--index", index])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.hasPrefix("indexed 1 document (1 segment) from 1 file, "), "\(built.stdout)")
        let found = try CLI.run(["search", "--index", index, "只有一段"])
        #expect(found.stdout.hasPrefix("1 matching segment for 只有一段 (showing 1–1)\n"), "\(found.stdout)")
    }

    @Test("a negative count is refused as invalid, naming the option and the value; --limit 0 only counts")
    func negativeCounts() throws {
        let index = try TestSupport.index(Self.reports)
        for arguments in [["search", "龙井", "--limit", "-1"], ["search", "--offset", "-2", "龙井"],
                          ["list", "--limit", "-1"], ["list", "--offset", "-3"]] {
            let outcome = try CLI.run(arguments + ["--index", index])
            let option = arguments.first { $0.hasPrefix("--") }!
            let value = arguments[arguments.firstIndex(of: option)! + 1]
            #expect(outcome.status == 64, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains("invalid value \(value) for \(option): it must not be negative"),
                    "\(arguments): \(outcome.stderr)")
        }
        let counted = try CLI.run(["search", "--index", index, "--limit", "0", "龙井"])
        #expect(counted.status == 0 && counted.stdout == "2 matching segments for 龙井 (none shown)\n", "\(counted.stdout)")
    }

    @Test("a mistyped subcommand gets the nearest one suggested")
    func mistypedSubcommand() throws {
        for (typed, meant) in [("serch", "search"), ("lsit", "list"), ("stat", "stats")] {
            let outcome = try CLI.run([typed, "x"])
            #expect(outcome.status == 64, "\(typed): \(outcome.stderr)")
            #expect(outcome.stderr.contains("unknown command '\(typed)'; did you mean '\(meant)'?"), "\(outcome.stderr)")
        }
        let unlike = try CLI.run(["zzzzzz"])
        #expect(unlike.stderr.contains("unknown command 'zzzzzz' (the commands are index, search,"), "\(unlike.stderr)")
    }

    @Test("runtime errors are one line without the usage text: a locked index, a missing index")
    func runtimeErrors() throws {
        let index = try TestSupport.index(Self.reports)
        let holder = try IndexWriter.waitingForLock(path: index)
        let folder = temporaryPath("input")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for arguments in [["delete", "tea"], ["watch", folder, "--once"]] {
            let locked = try CLI.run(arguments + ["--index", index])
            #expect(locked.status == 1, "\(arguments): \(locked.stderr)")
            #expect(locked.stderr.contains("is locked by another process"), "\(arguments): \(locked.stderr)")
            #expect(locked.stderr.split(separator: "\n").count == 1, "\(arguments): one line: \(locked.stderr)")
        }
        try holder.close()
        let missing = temporaryPath()
        for arguments in [["search", "龙井"], ["show", "tea"], ["stats"]] {
            let outcome = try CLI.run(arguments + ["--index", missing])
            #expect(outcome.status == 1 && outcome.stderr.contains("no index at"), "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "\(arguments): one line: \(outcome.stderr)")
        }
        // A shard list that cannot be read is a usage error: the usage shown is the subcommand's.
        let badList = try CLI.run(["stats", "--index", "@\(missing)/shards.txt"])
        #expect(badList.status == 64 && badList.stderr.contains("cannot read the shard list file"), "\(badList.stderr)")
        #expect(badList.stderr.contains("Usage: hanindex stats "), "\(badList.stderr)")
    }

    @Test("plain-text hits show their date and source; show --json is one compact line like search --json")
    func hitDetailsAndCompactShow() throws {
        let index = try TestSupport.index(Self.reports)
        let sorted = try CLI.run(["search", "--index", index, "--sort", "date", "龙井"])
        let headings = sorted.stdout.split(separator: "\n").filter { $0.hasPrefix("1. ") || $0.hasPrefix("2. ") }
        #expect(headings.count == 2, "\(sorted.stdout)")
        #expect(headings.first?.contains("龙井  2022-03-01 · 浙江日报") == true, "\(sorted.stdout)")
        #expect(headings.last?.contains("龙井村  2021-05-02") == true, "\(sorted.stdout)")

        let shown = try CLI.run(["show", "--json", "--index", index, "tea"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.split(separator: "\n").count == 1, "\(shown.stdout)")
        let segments = try JSONDecoder().decode([Segment].self, from: Data(shown.stdout.utf8))
        #expect(segments == (try SearchIndex(path: index).segments(ofDocument: "tea")))
    }
}
