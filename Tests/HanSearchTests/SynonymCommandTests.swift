import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

/// `hanindex synonyms` and `hanindex search` with synonyms, through the real binary.
@Suite("hanindex synonyms", .removingTemporaryFolders)
struct SynonymCommandTests {
    @Test("shows the loaded groups and expansions, widens searches, and names the line of a broken file")
    func command() throws {
        let index = try TestSupport.index([
            Report(id: "a", title: "港城", body: "招引企业来甬落户发展。\n宁波落户政策。\n杭州落户。"),
        ])
        let none = try CLI.run(["synonyms", "--index", index, "宁波落户"])
        #expect(none.status == 0)
        #expect(none.stdout.contains("no synonym file at \(index)/synonyms.txt"))
        #expect(none.stdout.contains("  宁波落户\n"))
        #expect(try CLI.run(["search", "--json", "--index", index, "宁波落户"]).stdout.contains("\"total\":1"))

        try "# 简称\n甬 宁波\n".write(toFile: index + "/synonyms.txt", atomically: true, encoding: .utf8)
        let shown = try CLI.run(["synonyms", "--index", index, "--", "宁波落户", "-杭州", "\"甬落户\""])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("\(index)/synonyms.txt: 1 group\n  甬 宁波\n"))
        #expect(shown.stdout.contains("  宁波落户 OR 甬落户\n  \"甬落户\"\n  not 杭州\n"))
        #expect(try CLI.run(["search", "--json", "--index", index, "宁波落户"]).stdout.contains("\"total\":2"))
        #expect(try CLI.run(["search", "--json", "--index", index, "\"宁波落户\""]).stdout.contains("\"total\":1"))

        let other = (index as NSString).deletingLastPathComponent + "/other.txt"
        try "甬 宁波\n杭州\n".write(toFile: other, atomically: true, encoding: .utf8)
        for arguments in [["synonyms"], ["search", "宁波"]] {
            let broken = try CLI.run(arguments + ["--index", index, "--synonyms", other])
            #expect(broken.status == 2)
            #expect(broken.stderr.contains("\(other):2: the group \"杭州\" has only one distinct member"), "\(broken.stderr)")
            #expect(!broken.looksLikeCrash)
        }
    }
}
