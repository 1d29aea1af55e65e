import Foundation
import HanSearch
import HTTPTypes
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import HanSearchTestSupport
import Testing

/// JSON-RPC over `POST /mcp`, read back from the SSE answer (scripts/mcp-test.sh drives it with a real
/// client; these check the endpoint's sessions and token in process).
enum MCPTest {
    static let token = "mcp-secret"

    struct Answer {
        let response: TestResponse
        /// The JSON-RPC message in the SSE stream (or the plain JSON body of an error).
        let message: [String: Any]?
        var result: [String: Any]? { message?["result"] as? [String: Any] }
        var session: String? { response.headers[HTTPField.Name("Mcp-Session-Id")!] }
    }

    static func post(_ client: some TestClientProtocol, _ message: [String: Any], session: String?,
                     token: String? = nil) async throws -> Answer {
        var headers: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        if let session {
            headers[HTTPField.Name("Mcp-Session-Id")!] = session
            headers[HTTPField.Name("MCP-Protocol-Version")!] = "2025-11-25"
        }
        if let token { headers[.authorization] = "Bearer \(token)" }
        let body = try JSONSerialization.data(withJSONObject: message)
        let response = try await client.execute(uri: "/mcp", method: .post, headers: headers, body: ByteBuffer(bytes: body))
        let text = String(buffer: response.body)
        // An SSE stream: a priming event with empty data, then the response as `data: {...}`.
        let payload = text.split(separator: "\n").first { $0.hasPrefix("data: {") }.map { String($0.dropFirst(6)) } ?? text
        let parsed = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]
        return Answer(response: response, message: parsed)
    }

    /// Initializes a session and returns its id.
    static func initialize(_ client: some TestClientProtocol) async throws -> String {
        let answer = try await post(client, ["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": [
            "protocolVersion": "2025-11-25", "capabilities": [String: Any](),
            "clientInfo": ["name": "hanserve-tests", "version": "1"]]], session: nil)
        #expect(answer.response.status == .ok, "\(String(buffer: answer.response.body))")
        #expect(answer.result?["protocolVersion"] as? String == "2025-11-25")
        let session = try #require(answer.session)
        let initialized = try await post(client, ["jsonrpc": "2.0", "method": "notifications/initialized"], session: session)
        #expect(initialized.response.status == .accepted)
        return session
    }

    /// Calls `tool` and returns its result.
    static func call(_ client: some TestClientProtocol, session: String, _ tool: String, _ arguments: [String: Any],
                     token: String? = nil) async throws -> [String: Any] {
        let answer = try await post(client, ["jsonrpc": "2.0", "id": 2, "method": "tools/call",
                                             "params": ["name": tool, "arguments": arguments]], session: session, token: token)
        return try #require(answer.result, "\(String(buffer: answer.response.body))")
    }

    static func text(_ result: [String: Any]) -> String {
        ((result["content"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined(separator: "\n")
    }

    /// `value` through JSON, to compare the tools' structured content with a route's answer.
    static func object(_ value: some Encodable) throws -> NSDictionary {
        try JSONSerialization.jsonObject(with: APIJSON.encoder.encode(value)) as! NSDictionary
    }
}

@Suite("/mcp", .removingTemporaryFolders)
struct MCPRouteTests {
    @Test("initialize opens a session whose tools/list has the five tools, each with a description and a schema")
    func toolsListed() async throws {
        try await ServerTest.withServer { client in
            let session = try await MCPTest.initialize(client)
            let answer = try await MCPTest.post(client, ["jsonrpc": "2.0", "id": 3, "method": "tools/list"], session: session)
            let tools = try #require(answer.result?["tools"] as? [[String: Any]])
            #expect(Set(tools.compactMap { $0["name"] as? String })
                    == ["search", "get_document", "index_stats", "add_reports", "delete_document"])
            for tool in tools {
                #expect(((tool["description"] as? String) ?? "").count > 40, "\(tool["name"] ?? "")")
                #expect((tool["inputSchema"] as? [String: Any])?["type"] as? String == "object", "\(tool["name"] ?? "")")
            }
        }
    }

    @Test("search gives GET /search's JSON; a bad query and a bad argument are tool errors naming the problem")
    func search() async throws {
        try await ServerTest.withServer { client in
            let session = try await MCPTest.initialize(client)
            let result = try await MCPTest.call(client, session: session, "search",
                                                ["query": "科技服务业", "limit": 2, "facets": ["year"]])
            let expected = try MCPTest.object(try await ServerTest.search(client, ["q": "科技服务业", "limit": "2", "facets": "year"]))
                .mutableCopy() as! NSMutableDictionary
            let structured = try #require(result["structuredContent"] as? NSDictionary).mutableCopy() as! NSMutableDictionary
            expected.removeObject(forKey: "took_ms")
            structured.removeObject(forKey: "took_ms")
            #expect(structured == expected)
            #expect(structured["total"] as? Int == 4)
            #expect(MCPTest.text(result).contains("科技服务业发展报告"))

            let bad = try await MCPTest.call(client, session: session, "search", ["query": "\"科技"])
            #expect(bad["isError"] as? Bool == true)
            #expect(MCPTest.text(bad).contains("the query cannot be parsed"), "\(MCPTest.text(bad))")
            let wrong = try await MCPTest.call(client, session: session, "search", ["query": "科技", "limit": 5000])
            #expect(wrong["isError"] as? Bool == true)
            #expect(MCPTest.text(wrong).contains("\"limit\""), "\(MCPTest.text(wrong))")
            let unknown = try await MCPTest.call(client, session: session, "search", ["query": "科技", "size": 5])
            #expect(MCPTest.text(unknown).contains("\"size\""), "\(MCPTest.text(unknown))")
        }
    }

    @Test("writing tools need the bearer token: refused without it, changing nothing, and done with it")
    func writesNeedTheToken() async throws {
        try await ServerTest.withServer(configure: { $0.token = MCPTest.token }) { client in
            let session = try await MCPTest.initialize(client)
            let report: [String: Any] = ["id": "mcp-1", "title": "新报告", "body": "这里提到麒麟芯片。"]
            let refused = try await MCPTest.call(client, session: session, "add_reports", ["reports": [report]])
            #expect(refused["isError"] as? Bool == true)
            #expect(MCPTest.text(refused).contains("Bearer"), "\(MCPTest.text(refused))")
            let wrongToken = try await MCPTest.call(client, session: session, "delete_document", ["id": "r1"], token: "nope")
            #expect(wrongToken["isError"] as? Bool == true)
            #expect(try await ServerTest.search(client, ["q": "麒麟芯片"]).total == 0)
            #expect(try await client.execute(uri: "/documents/r1", method: .get).status == .ok)

            let added = try await MCPTest.call(client, session: session, "add_reports", ["reports": [report]], token: MCPTest.token)
            #expect(added["isError"] as? Bool == false, "\(MCPTest.text(added))")
            #expect(try await ServerTest.search(client, ["q": "麒麟芯片"]).hits.map(\.doc) == ["mcp-1"])
            let deleted = try await MCPTest.call(client, session: session, "delete_document", ["id": "mcp-1"], token: MCPTest.token)
            #expect((deleted["structuredContent"] as? [String: Any])?["deleted"] as? String == "mcp-1")
            #expect(try await ServerTest.search(client, ["q": "麒麟芯片"]).total == 0)
        }
    }

    @Test("add_reports refuses a batch with bad records, naming every one, and indexes none of it")
    func badRecords() async throws {
        try await ServerTest.withServer { client in
            let session = try await MCPTest.initialize(client)
            let result = try await MCPTest.call(client, session: session, "add_reports", ["reports": [
                ["id": "good", "title": "好", "body": "好的报告"],
                ["id": "bad-date", "title": "坏", "body": "坏的", "date": "2024-02-30"],
                ["title": "无编号", "body": "没有编号"],
            ]])
            #expect(result["isError"] as? Bool == true)
            let error = (result["structuredContent"] as? [String: Any])?["error"] as? [String: Any]
            #expect(error?["code"] as? String == "invalid_records")
            #expect(((error?["records"] as? [[String: Any]]) ?? []).compactMap { $0["index"] as? Int } == [1, 2])
            #expect(MCPTest.text(result).contains("bad-date"), "\(MCPTest.text(result))")
            #expect(try await ServerTest.search(client, ["q": "好的报告"]).total == 0)
        }
    }

    @Test("DELETE ends a session (then 404); no session is 400; GET is 405")
    func sessions() async throws {
        try await ServerTest.withServer { client in
            let list: [String: Any] = ["jsonrpc": "2.0", "id": 5, "method": "tools/list"]
            #expect(try await MCPTest.post(client, list, session: nil).response.status == .badRequest)
            let session = try await MCPTest.initialize(client)
            let end = try await client.execute(uri: "/mcp", method: .delete, headers: [HTTPField.Name("Mcp-Session-Id")!: session,
                                                                                     HTTPField.Name("MCP-Protocol-Version")!: "2025-11-25"])
            #expect(end.status == .ok, "\(String(buffer: end.body))")
            #expect(try await MCPTest.post(client, list, session: session).response.status == .notFound)
            let get = try await client.execute(uri: "/mcp", method: .get, headers: [.accept: "text/event-stream"])
            #expect(get.status == .methodNotAllowed)
        }
    }
}
