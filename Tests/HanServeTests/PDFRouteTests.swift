import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Testing

/// A PDF fixture of the HanSearch tests (Tests/HanSearchTests/Fixtures/pdf).
private func pdf(_ name: String) throws -> ByteBuffer {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    return ByteBuffer(bytes: try Data(contentsOf: root.appendingPathComponent("HanSearchTests/Fixtures/pdf/\(name)")))
}

@Suite("POST /documents with application/pdf", .removingTemporaryFolders)
struct PDFRouteTests {
    private let headers: HTTPFields = [.contentType: "application/pdf"]

    @Test("a report by ?id=, searchable with its pages")
    func report() async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(uri: "/documents?id=manual.pdf", method: .post, headers: headers,
                                                    body: try pdf("report.pdf"))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let written = try ServerTest.decode(WriteResponse.self, response)
            #expect(written.ids == ["manual.pdf"] && written.segments == 25)
            let found = try await ServerTest.search(client, ["q": "\"数据治理\""])
            #expect(found.hits.map(\.doc) == ["manual.pdf"] && found.hits.map(\.page) == [2])
        }
    }

    @Test("a newspaper page named by Content-Disposition: its articles, page 1; posting it again replaces them")
    func page() async throws {
        try await ServerTest.withServer { client in
            var headers = headers
            headers[.contentDisposition] = "attachment; filename=\"uploads/page.pdf\""
            for _ in 0..<2 {
                let response = try await client.execute(uri: "/documents", method: .post, headers: headers,
                                                        body: try pdf("ningbo-page.pdf"))
                #expect(try ServerTest.decode(WriteResponse.self, response).ids == ["page.pdf/1", "page.pdf/2"])
            }
            let found = try await ServerTest.search(client, ["q": "对口支援", "limit": "100"])
            #expect(found.hits.contains { $0.doc == "page.pdf/2" })
            #expect(found.hits.allSatisfy { $0.page == 1 || !$0.doc.hasPrefix("page.pdf") })
            let document = try await client.execute(uri: "/documents/page.pdf/1", method: .get)
            let segments = try ServerTest.decode(DocumentResponse.self, document).segments
            #expect(Set(segments.map(\.ordinal)).count == segments.count, "replaced, not added twice")
        }
    }

    @Test("an HTML page by ?id=, without its tags")
    func html() async throws {
        try await ServerTest.withServer { client in
            let html = "<html><head><title>网页标题</title><script>脚本()</script></head><body><p>网页正文&amp;段落。</p></body></html>"
            let response = try await client.execute(uri: "/documents?id=page.html", method: .post,
                                                    headers: [.contentType: "text/html; charset=utf-8"], body: ByteBuffer(string: html))
            #expect(try ServerTest.decode(WriteResponse.self, response).ids == ["page.html"])
            let found = try await ServerTest.search(client, ["q": "网页正文"])
            #expect(found.hits.map(\.text) == ["网页正文&段落。"] && found.hits.map(\.title) == ["网页标题"])
            #expect(try await ServerTest.search(client, ["q": "脚本"]).total == 0)
        }
    }

    @Test("an encrypted PDF is 422 naming it, and nothing is indexed; no id is 400")
    func refused() async throws {
        try await ServerTest.withServer { client in
            let before = try await ServerTest.search(client, ["q": "Debian"]).total
            let response = try await client.execute(uri: "/documents?id=secret.pdf", method: .post, headers: headers,
                                                    body: try pdf("encrypted.pdf"))
            let error = try ServerTest.expectError(response, .unprocessableContent, code: "invalid_pdf")
            #expect(error.message.contains("secret.pdf") && error.message.contains("encrypted"))
            #expect(try await ServerTest.search(client, ["q": "Debian"]).total == before)
            let anonymous = try await client.execute(uri: "/documents", method: .post, headers: headers, body: try pdf("report.pdf"))
            try ServerTest.expectError(anonymous, .badRequest, code: "missing_id")
        }
    }
}
