import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

/// What a newcomer meets in the first hour with `hanindex`, through the real binary.
@Suite("hanindex: messages, listing and deleting")
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

    @Test("counts of one are singular: indexed 1 document (1 segment) from 1 file, 1 matching segment")
    func singular() throws {
        let folder = TestSupport.temporaryFolder("input")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try #"{"id": "one", "title": "独篇", "body": "只有一段。"}"#.write(toFile: folder + "/one.jsonl", atomically: true, encoding: .utf8)
        let index = TestSupport.temporaryFolder()
        let built = try CLI.run(["index", folder, "--index", index])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.hasPrefix("indexed 1 document (1 segment) from 1 file, "), "\(built.stdout)")
        let found = try CLI.run(["search", "--index", index, "只有一段"])
        #expect(found.stdout.hasPrefix("1 matching segment for 只有一段 (showing 1–1)\n"), "\(found.stdout)")
    }

    @Test("a negative count is refused as invalid, naming the option and the value; --limit 0 only counts")
    func negativeCounts() throws {
        let index = try TestSupport.index(Self.reports)
        for arguments in [["search", "龙井", "--limit", "-1"], ["search", "--offset", "-2", "龙井"]] {
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
}
