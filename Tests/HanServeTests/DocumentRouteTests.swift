import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("/documents", .removingTemporaryFolders)
struct DocumentRouteTests {
    @Test("GET /documents/{id} reassembles the document in reading order")
    func getDocument() async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(uri: "/documents/r1", method: .get)
            #expect(response.status == .ok)
            let document = try ServerTest.decode(DocumentResponse.self, response)
            #expect(document.id == "r1")
            #expect(document.title == "科技服务业发展报告")
            #expect(document.date == "2022-08-01")
            #expect(document.source == "宁波日报")
            #expect(document.segments.map(\.ordinal) == [1, 2, 3])
            #expect(document.segments.map(\.text).joined(separator: "\n") == ServerTest.reports[0].body)
            #expect(document.highlights == nil)
        }
    }

    @Test("ids with slashes and Chinese characters work percent-encoded or not")
    func unusualIDs() async throws {
        try await ServerTest.withServer { client in
            for uri in ["/documents/pages/2020/a.txt", "/documents/" + ServerTest.percentEncoded("pages/2020/a.txt"),
                        "/documents/" + ServerTest.percentEncoded("报告-四")] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
            }
        }
    }

    @Test("?q= highlights the whole text of each matching segment")
    func highlights() async throws {
        try await ServerTest.withServer { client in
            let uri = "/documents/r1?q=" + ServerTest.percentEncoded("独角兽")
            let document = try ServerTest.decode(DocumentResponse.self, try await client.execute(uri: uri, method: .get))
            #expect(document.highlights == ["r1#2": "<mark>独角兽</mark>企业数量位居全省前列。"])
        }
    }

    @Test("GET and DELETE of an absent document give 404")
    func absent() async throws {
        try await ServerTest.withServer { client in
            let get = try await client.execute(uri: "/documents/nope", method: .get)
            #expect(try ServerTest.expectError(get, .notFound, code: "document_not_found").message.contains("nope"))
            let delete = try await client.execute(uri: "/documents/nope", method: .delete)
            try ServerTest.expectError(delete, .notFound, code: "document_not_found")
        }
    }

    @Test("a bad query or parameter on GET /documents/{id} gives 400")
    func badDocumentParameters() async throws {
        try await ServerTest.withServer { client in
            try ServerTest.expectError(try await client.execute(uri: "/documents/r1?q=%22x", method: .get),
                                       .badRequest, code: "bad_query")
            try ServerTest.expectError(try await client.execute(uri: "/documents/r1?highlight=x", method: .get),
                                       .badRequest, code: "bad_parameter")
            try ServerTest.expectError(try await client.execute(uri: "/documents/%FF", method: .get),
                                       .badRequest, code: "bad_document_id")
        }
    }

    @Test("POST then search: the new reports are found by the very next request")
    func writeThenSearch() async throws {
        try await ServerTest.withServer { client in
            let before = try await ServerTest.search(client, ["q": "量子通信"])
            #expect(before.total == 0)
            let response = try await ServerTest.post(client, #"{"id": "new1", "title": "新报告", "body": "量子通信试验网建成。\n第二段。"}"#)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let written = try ServerTest.decode(WriteResponse.self, response)
            #expect(written.indexed == 1 && written.segments == 2 && written.ids == ["new1"])
            let after = try await ServerTest.search(client, ["q": "量子通信"])
            #expect(after.hits.map(\.id) == ["new1#1"])
        }
    }

    @Test("POST accepts an array and JSON Lines, and replaces a document by id without stale segments")
    func formats() async throws {
        try await ServerTest.withServer { client in
            let array = ServerTest.json([Report(id: "a1", title: "甲", body: "数组格式一。"),
                                         Report(id: "a2", title: "乙", body: "数组格式二。")])
            let arrayResponse = try await ServerTest.post(client, array)
            #expect(try ServerTest.decode(WriteResponse.self, arrayResponse).ids == ["a1", "a2"])
            let lines = #"{"id": "l1", "title": "丙", "body": "行格式。"}"# + "\n\n" + #"{"id": "r1", "title": "替换", "body": "只剩一段。"}"# + "\n"
            let linesResponse = try await ServerTest.post(client, lines, contentType: "application/x-ndjson; charset=utf-8")
            #expect(try ServerTest.decode(WriteResponse.self, linesResponse).ids == ["l1", "r1"])
            #expect(try await ServerTest.search(client, ["q": "格式"]).total == 3)
            let replaced = try ServerTest.decode(DocumentResponse.self, try await client.execute(uri: "/documents/r1", method: .get))
            #expect(replaced.segments.map(\.text) == ["只剩一段。"])
            #expect(try await ServerTest.search(client, ["q": "独角兽"]).total == 0)
        }
    }

    @Test("422 lists every bad record with its index or line, and indexes none of the batch")
    func invalidRecords() async throws {
        try await ServerTest.withServer { client in
            let array = #"[{"id": "ok1", "title": "好", "body": "批次标记甲。"}, {"id": "", "title": "空", "body": "x"}, "#
                + #"{"id": "d", "title": "日期", "body": "y", "date": "2021-13-01"}, {"title": "缺id", "body": "z"}, 7]"#
            let error = try ServerTest.expectError(try await ServerTest.post(client, array), .unprocessableContent,
                                                   code: "invalid_records")
            #expect(error.records?.map(\.index) == [1, 2, 3, 4])
            #expect(error.records?[1].id == "d")
            #expect(error.records?[1].message.contains("2021-13-01") == true)
            #expect(error.records?[2].message.contains("\"id\"") == true)
            #expect(error.message.contains("4 invalid records"))

            let lines = #"{"id": "ok2", "title": "好", "body": "批次标记甲。"}"# + "\n" + "{not json\n\n" + #"{"id": "e", "title": 5, "body": "b"}"#
            let linesError = try ServerTest.expectError(
                try await ServerTest.post(client, lines, contentType: "application/x-ndjson"), .unprocessableContent, code: "invalid_records")
            #expect(linesError.records?.map(\.line) == [2, 4])
            #expect(linesError.records?.map(\.index) == [1, 2])
            #expect(try await ServerTest.search(client, ["q": "批次标记甲"]).total == 0)
        }
    }

    @Test("an empty body, an empty array or a JSON scalar is 422", arguments: ["", "   ", "[]", "42", "{\"id\": 1"])
    func emptyOrMalformed(body: String) async throws {
        try await ServerTest.withServer { client in
            let error = try ServerTest.expectError(try await ServerTest.post(client, body), .unprocessableContent,
                                                   code: "invalid_records")
            #expect(error.records?.count == 1)
        }
    }

    @Test("a body that is not UTF-8 is 422 naming the byte")
    func invalidUTF8() async throws {
        try await ServerTest.withServer { client in
            var body = ByteBuffer(string: #"{"id": "x", "title": "t", "body": ""#)
            body.writeBytes([0xE7, 0xA7])
            body.writeString("\"}")
            let response = try await client.execute(uri: "/documents", method: .post,
                                                    headers: [.contentType: "application/json"], body: body)
            let error = try ServerTest.expectError(response, .unprocessableContent, code: "invalid_records")
            #expect(error.message.contains("UTF-8"))
        }
    }

    @Test("other content types get 415", arguments: ["text/plain", "application/xml", ""])
    func unsupportedMediaType(contentType: String) async throws {
        try await ServerTest.withServer { client in
            var headers: HTTPFields = [:]
            if !contentType.isEmpty { headers[.contentType] = contentType }
            let response = try await client.execute(uri: "/documents", method: .post, headers: headers,
                                                    body: ByteBuffer(string: #"{"id": "x", "title": "t", "body": "b"}"#))
            let error = try ServerTest.expectError(response, .unsupportedMediaType, code: "unsupported_media_type")
            #expect(error.message.contains("application/x-ndjson"))
        }
    }

    @Test("a body over the limit gets 413 and nothing is indexed")
    func tooLarge() async throws {
        try await ServerTest.withServer(configure: { $0.maximumBodyBytes = 200 }) { client in
            let big = ServerTest.json([Report(id: "big", title: "大", body: String(repeating: "超大请求体。", count: 40))])
            let error = try ServerTest.expectError(try await ServerTest.post(client, big), .contentTooLarge, code: "body_too_large")
            #expect(error.message.contains("200"))
            #expect(try await ServerTest.search(client, ["q": "超大请求体"]).total == 0)
            let small = try await ServerTest.post(client, #"{"id": "s", "title": "小", "body": "小请求。"}"#)
            #expect(small.status == .ok)
        }
    }

    @Test("DELETE removes a document and its segments")
    func delete() async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(uri: "/documents/r1", method: .delete)
            #expect(try ServerTest.decode(DeleteResponse.self, response) == DeleteResponse(deleted: "r1", segments: 3))
            #expect(try await ServerTest.search(client, ["q": "独角兽"]).total == 0)
            #expect(try await ServerTest.search(client, ["q": "科技服务业"]).total == 3)
            let encoded = try await client.execute(uri: "/documents/" + ServerTest.percentEncoded("pages/2020/a.txt"), method: .delete)
            #expect(encoded.status == .ok)
        }
    }

    @Test("with a token, writes need the right bearer token (401 otherwise); reads do not")
    func token() async throws {
        try await ServerTest.withServer(configure: { $0.token = "s3cret" }) { client in
            let body = #"{"id": "t", "title": "t", "body": "令牌测试。"}"#
            let missing = try await ServerTest.post(client, body)
            try ServerTest.expectError(missing, .unauthorized, code: "unauthorized")
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            try ServerTest.expectError(try await ServerTest.post(client, body, headers: [.authorization: "Bearer s3cre"]),
                                       .unauthorized, code: "unauthorized")
            try ServerTest.expectError(try await client.execute(uri: "/documents/r1", method: .delete),
                                       .unauthorized, code: "unauthorized")
            #expect(try await ServerTest.search(client, ["q": "令牌测试"]).total == 0)
            let allowed = try await ServerTest.post(client, body, headers: [.authorization: "Bearer s3cret"])
            #expect(allowed.status == .ok)
            #expect(try await ServerTest.search(client, ["q": "令牌测试"]).total == 1)
            let deleted = try await client.execute(uri: "/documents/t", method: .delete, headers: [.authorization: "Bearer s3cret"])
            #expect(deleted.status == .ok)
        }
    }
}
