import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Hostile requests: a clear JSON error, and the index unchanged", .removingTemporaryFolders)
struct HostileRequestTests {
    /// What the index holds, as the API reports it: counts and every document's segments.
    private func snapshot(_ client: some TestClientProtocol) async throws -> [String] {
        let stats = try await client.execute(uri: "/stats", method: .get)
        let figures = try ServerTest.decode(IndexStats.self, stats)
        var state = ["\(figures.documents) documents, \(figures.segments) segments, \(figures.terms) terms"]
        for report in ServerTest.reports {
            let response = try await client.execute(uri: "/documents/" + ServerTest.percentEncoded(report.id), method: .get)
            state.append(String(buffer: response.body))
        }
        return state
    }

    /// POSTs `body` and checks the status, the error code, that the message contains `message`, and
    /// that the index did not change.
    private func expectRefused(_ body: [UInt8], contentType: String = "application/x-ndjson",
                               status: HTTPResponse.Status = .unprocessableContent, code: String = "invalid_records",
                               message: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await ServerTest.withServer { client in
            let before = try await snapshot(client)
            let response = try await client.execute(uri: "/documents", method: .post, headers: [.contentType: contentType],
                                                    body: ByteBuffer(bytes: body))
            let error = try ServerTest.expectError(response, status, code: code, sourceLocation: sourceLocation)
            #expect(error.message.contains(message), "message: \(error.message)", sourceLocation: sourceLocation)
            #expect(try await snapshot(client) == before, "the index changed", sourceLocation: sourceLocation)
        }
    }

    private static let good = Array(#"{"id": "ok", "title": "t", "body": "好"}"#.utf8) + [0x0A]

    @Test("invalid UTF-8 in a body names the line and byte; nothing of the batch is indexed")
    func invalidUTF8() async throws {
        let start = Array(#"{"id": "b", "title": "t", "body": ""#.utf8)
        // ED A0 80 would encode the surrogate U+D800, which UTF-8 forbids.
        try await expectRefused(Self.good + start + [0xED, 0xA0, 0x80] + Array("\"}\n".utf8),
                                message: "line 2: invalid UTF-8 at byte \(start.count) of the line")
        try await expectRefused([0xFF, 0xFE] + Array("{}".utf8), contentType: "application/json",
                                message: "invalid UTF-8 at byte 0")
    }

    @Test("NUL bytes, raw or escaped, are refused")
    func nulBytes() async throws {
        try await expectRefused(Self.good + Array(#"{"id": "n", "title": "t", "body": "a"#.utf8) + [0] + Array("\"}\n".utf8),
                                message: "Unescaped control character")
        try await expectRefused(Self.good + Array(#"{"id": "n", "title": "t", "body": "a\u0000"}"#.utf8),
                                message: "the text contains a NUL character")
    }

    @Test("a binary body and an empty body are refused")
    func binaryAndEmpty() async throws {
        var binary: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
        for value in 0..<2048 { binary.append(UInt8(truncatingIfNeeded: value &* 2_654_435_761 >> 11)) }
        try await expectRefused(binary, message: "invalid UTF-8")
        try await expectRefused([], contentType: "application/json", message: "the body is empty")
        try await expectRefused(Array("\n \n".utf8), message: "the body is empty")
    }

    @Test("JSON nested 10,000 deep is a 422, not a stack overflow")
    func deepNesting() async throws {
        let deep = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        try await expectRefused(Array(deep.utf8), contentType: "application/json", message: "Too many nested")
        let arrays = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        try await expectRefused(Array(arrays.utf8), contentType: "application/json", message: "Too many nested")
        try await expectRefused(Array((deep + "\n").utf8), message: "line 1: malformed JSON: Too many nested")
    }

    @Test("lone surrogates escaped in JSON are refused")
    func loneSurrogates() async throws {
        try await expectRefused(Array(#"{"id": "s", "title": "t", "body": "\ud800"}"#.utf8), contentType: "application/json",
                                message: "malformed JSON")
        try await expectRefused(Array(#"[{"id": "s", "title": "t", "body": "\udc00x"}]"#.utf8), contentType: "application/json",
                                message: "malformed JSON")
    }

    @Test("ids with control characters are refused, and quoted escaped")
    func controlIDs() async throws {
        try await expectRefused(Array(#"{"id": "a\u001b[2Jb", "title": "t", "body": "x"}"#.utf8), contentType: "application/json",
                                message: #"id "a\u{1B}[2Jb": "id" contains a control character"#)
    }

    @Test("a 50 MB body is refused with 413 before anything is parsed")
    func fiftyMegabytes() async throws {
        let body = #"{"id": "big", "title": "t", "body": ""# + String(repeating: "科技服务业增长迅速。", count: 1_700_000) + "\"}"
        #expect(body.utf8.count > 50_000_000)
        try await expectRefused(Array(body.utf8), contentType: "application/json", status: .contentTooLarge,
                                code: "body_too_large", message: "larger than the limit of 33554432 bytes")
    }

    @Test("hostile queries: 1 MB, only punctuation, only spaces, unbalanced quotes, OR OR give 400 with a message")
    func hostileQueries() async throws {
        try await ServerTest.withServer { client in
            let cases: [(String, String, String)] = [
                (String(repeating: "科", count: 1 << 20), "query_too_long", "1048576 characters"),
                ("，。！？", "bad_query", "nothing to search for"),
                ("     ", "missing_query", "is required"),
                ("\"宁波", "bad_query", "a quote is opened but never closed"),
                ("OR OR", "bad_query", "OR needs a word"),
                ("😀", "bad_query", "nothing to search for"),
            ]
            for (query, code, message) in cases {
                let response = try await client.execute(uri: ServerTest.searchURI(["q": query]), method: .get)
                guard response.status != .ok else {
                    Issue.record("\(query.prefix(10)) was answered 200")
                    continue
                }
                let error = try ServerTest.expectError(response, .badRequest, code: code)
                #expect(error.message.contains(message), "\(query.prefix(10)): \(error.message)")
                #expect(error.message.utf8.count < 1_000, "the error should not echo a huge query back")
            }
        }
    }

    @Test("emoji, combining marks, right-to-left text and ids with /, # and spaces round-trip over HTTP")
    func unusualButValid() async throws {
        try await ServerTest.withServer { client in
            let reports = [
                Report(id: "2024/05/a#b c", title: "斜杠与井号", body: "表情😀符号与组合字符 e\u{301} 并存。"),
                Report(id: "rtl", title: "עברית", body: "שלום עולם 和 مرحبا 混排。"),
            ]
            let posted = try await ServerTest.post(client, ServerTest.json(reports))
            #expect(posted.status == .ok, "\(String(buffer: posted.body))")
            for report in reports {
                let response = try await client.execute(uri: "/documents/" + ServerTest.percentEncoded(report.id), method: .get)
                #expect(response.status == .ok, "\(report.id): \(String(buffer: response.body))")
                let document = try ServerTest.decode(DocumentResponse.self, response)
                #expect(document.id == report.id)
                #expect(document.segments.map(\.text).joined(separator: "\n") == report.body)
            }
            #expect(try await ServerTest.search(client, ["q": "符号与组合"]).hits.map(\.doc) == ["2024/05/a#b c"])
            #expect(try await ServerTest.search(client, ["q": "שלום"]).hits.map(\.doc) == ["rtl"])
            let deleted = try await client.execute(uri: "/documents/" + ServerTest.percentEncoded("2024/05/a#b c"), method: .delete)
            #expect(deleted.status == .ok, "\(String(buffer: deleted.body))")
        }
    }

    @Test("a document id with bad percent-encoding or a control character is a clear 400 or 404")
    func badDocumentPaths() async throws {
        try await ServerTest.withServer { client in
            try ServerTest.expectError(try await client.execute(uri: "/documents/%E7%A7", method: .get),
                                       .badRequest, code: "bad_document_id")
            let control = try await client.execute(uri: "/documents/a%00b", method: .get)
            #expect([.badRequest, .notFound].contains(control.status), "\(String(buffer: control.body))")
        }
    }
}
