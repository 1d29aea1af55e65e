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
