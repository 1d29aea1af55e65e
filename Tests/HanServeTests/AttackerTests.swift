import Foundation
import HanSearch
import HanSearchTestSupport
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Testing

/// The holes that probing hanserve as an attacker found, each closed: markup in snippets, empty bodies
/// that deleted, repeated ids, the bearer scheme's case, and requests the HTTP layer refused or held open.
@Suite("An attacker's requests", .removingTemporaryFolders)
struct AttackerTests {
    /// A report whose body fuses `<` and `>` with marks into grapheme clusters around an <img onerror>.
    static let graphemeBypass = #"{"id":"x","title":"t","body":"字素绕过 \u0600<img src=x onerror=alert(1)>\u0301 结束。"}"#

    /// `html` with our `<mark>` tags removed holds no `<` or `>` at all.
    static func expectNoForeignMarkup(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let rest = html.replacingScalars(of: "<mark>", with: "").replacingScalars(of: "</mark>", with: "")
        #expect(!rest.unicodeScalars.contains("<") && !rest.unicodeScalars.contains(">"), "\(html)",
                sourceLocation: sourceLocation)
    }

    @Test("markup fused into grapheme clusters comes back escaped in search snippets and document highlights")
    func storedMarkup() async throws {
        try await ServerTest.withServer { client in
            #expect(try await ServerTest.post(client, Self.graphemeBypass).status == .ok)
            let results = try await ServerTest.search(client, ["q": "字素绕过"])
            #expect(results.total == 1)
            for hit in results.hits { Self.expectNoForeignMarkup(hit.snippet) }
            #expect(results.hits.first?.snippet.contains("&lt;img") == true)
            let document = try await client.execute(uri: "/documents/x?q=%E5%AD%97%E7%B4%A0%E7%BB%95%E8%BF%87", method: .get)
            let highlights = try ServerTest.decode(DocumentResponse.self, document).highlights ?? [:]
            #expect(!highlights.isEmpty)
            for html in highlights.values { Self.expectNoForeignMarkup(html) }
        }
    }

    @Test("every answer says nosniff, and the page forbids inline and foreign script")
    func securityHeaders() async throws {
        try await ServerTest.withServer { client in
            for uri in ["/", "/app.js", "/app.css", "/favicon.ico", "/search?q=%E7%A7%91%E6%8A%80", "/no-such-route",
                        "/search?q=%22"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
            }
            let page = try await client.execute(uri: "/", method: .get)
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
            let html = String(buffer: page.body)
            #expect(html.contains(#"<script src="/app.js"></script>"#))
            // No inline script or style is left for the policy to block.
            #expect(!html.contains("<script>") && !html.contains("<style>") && !html.contains(" on"))
            let script = try await client.execute(uri: "/app.js", method: .get)
            #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(String(buffer: script.body).contains("function "))
        }
    }

    @Test("a report with no text is refused and does not delete the stored document", arguments: ["", "  \n\t \n"])
    func emptyBody(body: String) async throws {
        try await ServerTest.withServer { client in
            let before = try await client.execute(uri: "/documents/r1", method: .get)
            let record = try String(decoding: JSONEncoder().encode(Report(id: "r1", title: "t", body: body)), as: UTF8.self)
            let error = try ServerTest.expectError(try await ServerTest.post(client, record), .unprocessableContent,
                                                   code: "invalid_records")
            #expect(error.message.contains("no text"), "\(error.message)")
            #expect(error.records?.first?.id == "r1")
            let after = try await client.execute(uri: "/documents/r1", method: .get)
            #expect(after.status == .ok && String(buffer: after.body) == String(buffer: before.body))
        }
    }

    @Test("a batch holding one id twice is refused, naming both records")
    func repeatedID() async throws {
        try await ServerTest.withServer { client in
            let lines = [#"{"id":"d","title":"t","body":"一"}"#, #"{"id":"e","title":"t","body":"二"}"#,
                         #"{"id":"d","title":"t","body":"三"}"#].joined(separator: "\n")
            let error = try ServerTest.expectError(try await ServerTest.post(client, lines, contentType: "application/x-ndjson"),
                                                   .unprocessableContent, code: "invalid_records")
            #expect(error.records?.count == 1)
            #expect(error.records?.first?.line == 3 && error.message.contains("repeats record 0 (line 1)"), "\(error.message)")
            #expect(try await client.execute(uri: "/documents/e", method: .get).status == .notFound)
        }
    }

    @Test("the bearer scheme is case-insensitive; the token is not")
    func bearerCase() async throws {
        try await ServerTest.withServer(configure: { $0.token = "s3cret" }) { client in
            let record = #"{"id":"b","title":"t","body":"正文"}"#
            for (authorization, status) in [("Bearer s3cret", HTTPResponse.Status.ok), ("bearer s3cret", .ok),
                                            ("BEARER s3cret", .ok), ("bEaReR  s3cret", .ok), ("Bearer S3CRET", .unauthorized),
                                            ("Basic s3cret", .unauthorized), ("bearer", .unauthorized), ("s3cret", .unauthorized)] {
                let response = try await ServerTest.post(client, record, headers: [.authorization: authorization])
                #expect(response.status == status, "\(authorization): \(String(buffer: response.body))")
            }
        }
    }

    /// Runs `body` with a live server on a free loopback port.
    private func withLiveServer(_ body: @escaping @Sendable (Int, any TestClientProtocol) async throws -> Void) async throws {
        var configuration = ServerConfiguration(indexPath: try ServerTest.makeIndex(ServerTest.reports), port: 0, readers: 2)
        configuration.idleTimeoutSeconds = 600  // far beyond the client's wait: a held connection shows as a timeout
        let app = try buildApplication(configuration: configuration, logger: ServerTest.logger)
        try await app.test(.live) { client in try await body(try #require(client.port), client) }
    }

    /// Checks that `answer` is a JSON 400 that closes the connection.
    private func expectRefused(_ answer: RawHTTP.Answer, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.statusLine.hasPrefix("HTTP/1.1 400"), "\(what): \(answer.text.prefix(300))", sourceLocation: sourceLocation)
        #expect(answer.headers.contains("content-type: application/json; charset=utf-8"), "\(what)", sourceLocation: sourceLocation)
        #expect(answer.headers.contains("x-content-type-options: nosniff"), "\(what)", sourceLocation: sourceLocation)
        let error = try? JSONDecoder().decode(APIError.Body.self, from: Data(answer.body.utf8))
        #expect(error.map { !$0.error.message.isEmpty } == true, "\(what): body \(answer.body)", sourceLocation: sourceLocation)
        #expect(answer.closedByServer, "\(what): the connection was held open", sourceLocation: sourceLocation)
    }

    @Test("raw UTF-8 in the request target is searched as if percent-encoded")
    func rawUTF8Target() async throws {
        try await withLiveServer { port, client in
            let answer = try await RawHTTP.send(port: port, "GET /search?q=科技服务业 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            #expect(answer.statusLine == "HTTP/1.1 200 OK", "\(answer.text.prefix(300))")
            let results = try JSONDecoder().decode(SearchResponse.self, from: Data(answer.body.utf8))
            let encoded = try await ServerTest.search(client, ["q": "科技服务业"])
            #expect(results.query == "科技服务业" && results.total == encoded.total && results.total > 0)
            #expect(results.hits.map(\.id) == encoded.hits.map(\.id))
            // A later request on the same connection gets a JSON 400 that says what to do.
            let two = try await RawHTTP.send(port: port, "GET /health HTTP/1.1\r\nHost: h\r\n\r\n"
                                             + "GET /search?q=宁波 HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(two.text.contains("HTTP/1.1 200 OK") && two.text.contains("HTTP/1.1 400") && two.text.contains("percent-encode"),
                    "\(two.text)")
            #expect(two.closedByServer)
        }
    }

    @Test("an HTTP/1.0 request without keep-alive is answered with Connection: close, and closed")
    func http10() async throws {
        try await withLiveServer { port, _ in
            let answer = try await RawHTTP.send(port: port, "GET /health HTTP/1.0\r\n\r\n")
            #expect(answer.statusLine.hasSuffix("200 OK"), "\(answer.text)")
            #expect(answer.headers.contains("connection: close"), "\(answer.headers)")
            #expect(answer.closedByServer, "the connection was held open")
            // HTTP/1.1 keeps the connection for a second request.
            let two = try await RawHTTP.send(port: port, "GET /health HTTP/1.1\r\nHost: h\r\n\r\nGET /health HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            #expect(two.text.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "\(two.text)")
        }
    }

    @Test("requests the HTTP parser refuses get the JSON error shape, and the connection is closed")
    func unparsable() async throws {
        try await withLiveServer { port, _ in
            let manyHeaders = (0..<1_001).map { "X-H\($0): v\r\n" }.joined()
            let requests: [(String, [UInt8])] = [
                ("a NUL in the target", Array("GET /search?q=a".utf8) + [0] + Array(" HTTP/1.1\r\nHost: h\r\n\r\n".utf8)),
                ("1,001 headers", Array("GET /health HTTP/1.1\r\nHost: h\r\n\(manyHeaders)\r\n".utf8)),
                ("a bad method", Array("G@T /health HTTP/1.1\r\nHost: h\r\n\r\n".utf8)),
                ("a bad protocol name", Array("GET /health HTXP/1.1\r\nHost: h\r\n\r\n".utf8)),
                ("a bad request after a good one", Array("GET /health HTTP/1.1\r\nHost: h\r\n\r\nG@T / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)),
            ]
            for (what, request) in requests {
                var answer = try await RawHTTP.send(port: port, request)
                if what.hasSuffix("after a good one") {
                    // The first request is answered, then the second refused.
                    let first = answer.text.range(of: "\r\n\r\n{\"status\":\"ok\"}")
                    #expect(first != nil, "\(answer.text)")
                    if let first { answer.bytes = Array(answer.text[first.upperBound...].utf8) }
                }
                expectRefused(answer, what)
            }
        }
    }

    @Test("a body that breaks off or has a bad chunk size is a 400, and nothing of it is indexed")
    func malformedBodies() async throws {
        try await withLiveServer { port, client in
            let head = "POST /documents HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-ndjson\r\n"
            let record = #"{"id":"m","title":"t","body":"不应入库的正文"}"# + "\n"
            let chunked = head + "Transfer-Encoding: chunked\r\n\r\n"
            let bodies: [(String, String, Bool)] = [
                ("chunk size zz", chunked + "zz\r\n\(record)\r\n0\r\n\r\n", false),
                ("chunk size -5", chunked + "-5\r\n\(record)\r\n0\r\n\r\n", false),
                ("a 20-digit chunk size", chunked + "10000000000000000000\r\n\(record)\r\n0\r\n\r\n", false),
                ("a chunk shorter than declared, then EOF", chunked + "1000\r\n\(record)", true),
                ("a Content-Length beyond the bytes sent, then EOF", head + "Content-Length: 4096\r\n\r\n\(record)", true),
            ]
            for (what, request, halfClose) in bodies {
                let answer = try await RawHTTP.send(port: port, request, halfClose: halfClose)
                expectRefused(answer, what)
            }
            #expect(try await client.execute(uri: "/documents/m", method: .get).status == .notFound)
        }
    }
}
