import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

/// `hanindex mcp` through the real binary, fed JSON-RPC lines on stdin (scripts/mcp-test.sh drives it
/// with the official Python SDK).
@Suite("hanindex mcp", .removingTemporaryFolders)
struct MCPCommandTests {
    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}}"#

    /// The answers on stdout, by request id.
    private func answers(_ outcome: CLI.Outcome) -> [String: [String: Any]] {
        var answers: [String: [String: Any]] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            guard let message = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = message["id"] else { continue }
            answers["\(id)"] = message["result"] as? [String: Any]
        }
        return answers
    }

    private func call(_ id: Int, _ tool: String, _ arguments: String) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)}}"#
    }

    @Test("every request is answered before it exits at the end of stdin, and an answered write is committed")
    func answersBeforeExiting() throws {
        let index = try TestSupport.index(CommandLineTests.reports)
        let input = [MCPCommandTests.initialize,
                     call(2, "add_reports", #"{"reports":[{"id":"mcp","title":"新","body":"这里提到麒麟芯片。"}]}"#),
                     call(3, "search", #"{"query":"龙井 -杭州"}"#)].joined(separator: "\n") + "\n"
        let outcome = try CLI.run(["mcp", "--writable", "--index", index], input: Data(input.utf8))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let answers = answers(outcome)
        #expect(Set(answers.keys) == ["1", "2", "3"], "\(outcome.stdout)")
        #expect(answers["2"]?["isError"] as? Bool == false, "\(answers["2"] ?? [:])")
        let hits = ((answers["3"]?["structuredContent"] as? [String: Any])?["hits"] as? [[String: Any]]) ?? []
        #expect(hits.compactMap { $0["doc"] as? String } == ["village"])
        let search = try CLI.run(["search", "--json", "--index", index, "麒麟芯片"])
        #expect(search.stdout.contains(#""doc":"mcp""#), "\(search.stdout)")
    }

    @Test("without --writable the writing tools are not listed and a call to one is a tool error")
    func readOnly() throws {
        let index = try TestSupport.index(CommandLineTests.reports)
        let input = [MCPCommandTests.initialize, #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
                     call(3, "delete_document", #"{"id":"tea"}"#), call(4, "search", #"{"query":"\"龙井"}"#)]
            .joined(separator: "\n") + "\n"
        let outcome = try CLI.run(["mcp", "--index", index], input: Data(input.utf8))
        let answers = answers(outcome)
        let tools = ((answers["2"]?["tools"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        #expect(Set(tools) == ["search", "get_document", "index_stats"])
        #expect(answers["3"]?["isError"] as? Bool == true)
        #expect("\(answers["3"]?["content"] ?? "")".contains("--writable"))
        #expect(answers["4"]?["isError"] as? Bool == true, "a bad query is a tool error")
        #expect("\(answers["4"]?["content"] ?? "")".contains("cannot be parsed"))
        #expect(try CLI.run(["show", "--index", index, "tea"]).status == 0, "nothing was deleted")
    }
}
