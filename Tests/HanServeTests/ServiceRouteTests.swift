import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Logging
import HanSearchTestSupport
import Testing

@Suite("service routes, errors and configuration", .removingTemporaryFolders)
struct ServiceRouteTests {
    @Test("GET /health answers ok")
    func health() async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(try ServerTest.decode(HealthResponse.self, response).status == "ok")
        }
    }

    @Test("GET /stats counts documents and segments and has the last commit and size")
    func stats() async throws {
        try await ServerTest.withServer { client in
            let before = try ServerTest.decode(IndexStats.self, try await client.execute(uri: "/stats", method: .get))
            #expect(before.documents == 4)
            #expect(before.segments == 7)
            #expect(before.sizeBytes > 0)
            let firstCommit = try #require(before.lastCommit)
            // The stamp has whole seconds: the POST's commit is stamped no earlier than this second.
            let posted = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            _ = try await ServerTest.post(client, #"{"id": "s1", "title": "t", "body": "一。\n二。"}"#)
            let after = try ServerTest.decode(IndexStats.self, try await client.execute(uri: "/stats", method: .get))
            #expect(after.documents == 5 && after.segments == 9)
            let stamp = try #require(after.lastCommit.flatMap { ISO8601DateFormatter().date(from: $0) })
            #expect(stamp >= posted && after.lastCommit! >= firstCommit, "\(after.lastCommit!) for a commit at \(posted)")
        }
    }

    @Test("GET /metrics counts requests by route and status, with latency histograms and the index size")
    func metrics() async throws {
        try await ServerTest.withServer { client in
            _ = try await ServerTest.search(client, ["q": "科技"])
            _ = try await ServerTest.search(client, ["q": "创新"])
            _ = try await client.execute(uri: "/search?q=%22", method: .get)
            _ = try await client.execute(uri: "/documents/r1", method: .get)
            _ = try await client.execute(uri: "/nowhere", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: response.body)
            #expect(text.contains(#"hanserve_http_requests_total{method="GET",route="/search",status="200"} 2"#))
            #expect(text.contains(#"hanserve_http_requests_total{method="GET",route="/search",status="400"} 1"#))
            #expect(text.contains(#"hanserve_http_requests_total{method="GET",route="/documents/**",status="200"} 1"#))
            #expect(text.contains(#"hanserve_http_requests_total{method="GET",route="NotFound",status="404"} 1"#))
            #expect(text.contains(#"hanserve_http_request_duration_seconds_bucket{method="GET",route="/search",le="+Inf"} 3"#))
            #expect(text.contains(#"hanserve_http_request_duration_seconds_count{method="GET",route="/search"} 3"#))
            #expect(text.contains("# TYPE hanserve_http_request_duration_seconds histogram"))
            #expect(text.contains("hanserve_index_documents 4"))
            let size = text.split(separator: "\n").first { $0.hasPrefix("hanserve_index_size_bytes ") }
            #expect(Double(size?.split(separator: " ").last ?? "") ?? 0 > 0, "\(size ?? "no size")")
        }
    }

    @Test("GET /openapi.json documents every route and method the router serves")
    func openAPI() async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let expected: [String: Set<String>] = [
                "/": ["get"], "/search": ["get"], "/documents": ["post"], "/documents/{id}": ["get", "delete"],
                "/health": ["get"], "/stats": ["get"], "/metrics": ["get"], "/openapi.json": ["get"],
                "/mcp": ["post", "delete"],
            ]
            #expect(Set(paths.keys) == Set(expected.keys))
            for (path, methods) in expected {
                let documented = Set(paths[path]?.keys.filter { $0 != "parameters" } ?? [])
                #expect(documented == methods, "\(path)")
                // Each documented method really is served (not 404 or 405); /mcp speaks JSON-RPC in sessions
                // and has tests of its own (MCPRouteTests).
                for method in methods.sorted(by: >) where path != "/mcp" {  // GET before DELETE
                    let uri = path.replacingOccurrences(of: "{id}", with: "r2")
                        .replacingOccurrences(of: "/search", with: "/search?q=%E7%A7%91")
                    let answer = try await client.execute(uri: uri, method: HTTPRequest.Method(method.uppercased())!,
                                                          headers: [.contentType: "application/json"],
                                                          body: ByteBuffer(string: #"{"id": "o", "title": "t", "body": "b"}"#))
                    #expect(answer.status.code < 400, "\(method) \(path): \(String(buffer: answer.body))")
                }
            }
        }
    }

    @Test("GET / serves the search page")
    func page() async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: response.body)
            #expect(html.contains(#"<html lang="zh-CN">"#))
            #expect(html.contains(#"id="search-form""#))
            // The script, which calls the API, is a file of its own (the page's CSP allows no inline script).
            let script = String(buffer: try await client.execute(uri: "/app.js", method: .get).body)
            #expect(script.contains("/search?"))
        }
    }

    @Test("unknown routes get 404 and wrong methods 405 with Allow, as JSON errors")
    func notFoundAndMethodNotAllowed() async throws {
        try await ServerTest.withServer { client in
            try ServerTest.expectError(try await client.execute(uri: "/nowhere", method: .get), .notFound, code: "not_found")
            try ServerTest.expectError(try await client.execute(uri: "/search/more", method: .get), .notFound, code: "not_found")
            let cases: [(String, HTTPRequest.Method, String)] = [
                ("/search", .post, "GET, HEAD"), ("/documents", .get, "POST"), ("/documents/r1", .put, "DELETE, GET, HEAD"),
                ("/health", .delete, "GET, HEAD"), ("/metrics", .post, "GET, HEAD"),
            ]
            for (uri, method, allowed) in cases {
                let response = try await client.execute(uri: uri, method: method)
                try ServerTest.expectError(response, .methodNotAllowed, code: "method_not_allowed")
                #expect(response.headers[.allow] == allowed, "\(method) \(uri)")
            }
        }
    }

    @Test("the configuration refuses a public address without a token, and bad numbers")
    func configuration() throws {
        #expect(ServerConfiguration(indexPath: "i").problems().isEmpty)
        #expect(ServerConfiguration(indexPath: "i", host: "localhost").problems().isEmpty)
        #expect(ServerConfiguration(indexPath: "i", host: "::1").problems().isEmpty)
        let open = ServerConfiguration(indexPath: "i", host: "0.0.0.0").problems()
        #expect(open.count == 1 && open[0].contains("HANSERVE_TOKEN"))
        #expect(ServerConfiguration(indexPath: "i", host: "192.168.1.5", token: "t").problems().isEmpty)
        #expect(ServerConfiguration(indexPath: "i", host: "127.0.0.1", token: "").problems().count == 1)
        #expect(ServerConfiguration(indexPath: "i", port: 70_000, maximumBodyBytes: 0, readers: 0).problems().count == 3)
        #expect(throws: ServerStartError.self) {
            _ = try buildApplication(configuration: ServerConfiguration(indexPath: "i", host: "10.0.0.1"), logger: ServerTest.logger)
        }
    }

    @Test("an index locked by another writer is a clear start error")
    func lockedIndex() throws {
        let path = try ServerTest.makeIndex(ServerTest.reports)
        let writer = try IndexWriter.waitingForLock(path: path)
        defer { try? writer.close() }
        let error = #expect(throws: ServerStartError.self) {
            _ = try HanServer.open(configuration: ServerConfiguration(indexPath: path), logger: ServerTest.logger)
        }
        #expect(error?.description.contains("locked") == true)
    }
}
