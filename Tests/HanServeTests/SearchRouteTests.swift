import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /search", .removingTemporaryFolders)
struct SearchRouteTests {
    @Test("finds every segment containing the query, with hit fields, took_ms and hit dates")
    func searchFinds() async throws {
        try await ServerTest.withServer { client in
            let result = try await ServerTest.search(client, ["q": "科技服务业"])
            #expect(result.query == "科技服务业")
            #expect(result.total == 4)
            #expect(result.hits.count == 4)
            #expect(result.tookMilliseconds >= 0)
            #expect(Set(result.hits.map(\.doc)) == ["r1", "r2", "pages/2020/a.txt", "报告-四"])
            for hit in result.hits {
                #expect(hit.snippet.contains("<mark>科技服务业</mark>"))
                #expect(hit.text.contains("科技服务业"))
                #expect(hit.id.hasPrefix(hit.doc + "#"))
            }
            let dates = Dictionary(uniqueKeysWithValues: result.hits.map { ($0.doc, $0.date) })
            #expect(dates["r1"] == "2022-08-01")
            #expect(dates["报告-四"] == .some(nil))
        }
    }

    @Test("the JSON has exactly query, total, took_ms and hits, and hits keep SearchHit's fields")
    func responseShape() async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(uri: ServerTest.searchURI(["q": "独角兽"]), method: .get)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(Set(object.keys) == ["query", "total", "took_ms", "hits"])
            let hit = try #require((object["hits"] as? [[String: Any]])?.first)
            #expect(Set(["id", "doc", "title", "score", "snippet", "text", "date"]).isSubset(of: hit.keys))
            #expect(hit["date"] as? String == "2022-08-01")
        }
    }

    @Test("offset pages through every match once, in a stable order")
    func paging() async throws {
        let reports = (1...23).map { Report(id: "p\($0)", title: "第\($0)篇", body: "共同的标记词语出现在这里，编号\($0)。") }
        try await ServerTest.withServer(reports) { client in
            var seen: [String] = []
            for offset in stride(from: 0, to: 30, by: 5) {
                let page = try await ServerTest.search(client, ["q": "标记词语", "limit": "5", "offset": "\(offset)"])
                #expect(page.total == 23)
                seen += page.hits.map(\.id)
            }
            #expect(seen.count == 23)
            #expect(Set(seen).count == 23)
            let all = try await ServerTest.search(client, ["q": "标记词语", "limit": "1000"])
            #expect(all.hits.map(\.id) == seen)
            // limit=0 counts, as the command line's --limit 0 does.
            let count = try await ServerTest.search(client, ["q": "标记词语", "limit": "0"])
            #expect(count.total == 23 && count.hits.isEmpty)
        }
    }

    @Test("from/to filter by date and sort=date puts the newest first")
    func datesAndSort() async throws {
        try await ServerTest.withServer { client in
            let filtered = try await ServerTest.search(client, ["q": "科技服务业", "from": "2021-01-01", "to": "2021-12-31"])
            #expect(filtered.hits.map(\.doc) == ["r2"])
            let sorted = try await ServerTest.search(client, ["q": "科技服务业", "sort": "date"])
            #expect(Array(sorted.hits.map(\.doc).prefix(3)) == ["r1", "r2", "pages/2020/a.txt"])
            let inDocument = try await ServerTest.search(client, ["q": "科技服务业", "doc": "r2"])
            #expect(inDocument.hits.map(\.doc) == ["r2"])
        }
    }

    @Test("a + in the query string is a space, as HTML forms send it")
    func plusIsSpace() async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(uri: "/search?q=%E5%AE%81%E6%B3%A2+%E7%8B%AC%E8%A7%92%E5%85%BD", method: .get)
            let result = try ServerTest.decode(SearchResponse.self, response)
            #expect(result.query == "宁波 独角兽")
            #expect(result.total == 0)
            let both = try await ServerTest.search(client, ["q": "宁波 营业收入"])
            #expect(both.total == 1)
        }
    }

    @Test("bad parameters get 400 naming the parameter", arguments: [
        ("/search", "missing_query", "q"),
        ("/search?q=", "missing_query", "q"),
        ("/search?q=%20%20", "missing_query", "q"),
        ("/search?q=a&limit=-1", "bad_parameter", "limit"),
        ("/search?q=a&limit=1001", "bad_parameter", "limit"),
        ("/search?q=a&limit=ten", "bad_parameter", "limit"),
        ("/search?q=a&offset=-1", "bad_parameter", "offset"),
        ("/search?q=a&from=2021-02-30", "bad_parameter", "from"),
        ("/search?q=a&to=yesterday", "bad_parameter", "to"),
        ("/search?q=a&from=2022-01-01&to=2021-01-01", "bad_parameter", "from"),
        ("/search?q=a&sort=newest", "bad_parameter", "sort"),
        ("/search?q=a&doc=", "bad_parameter", "doc"),
        ("/search?q=a&lmit=5", "bad_parameter", "lmit"),
        ("/search?q=a&q=b", "bad_parameter", "q"),
        ("/search?q=%E7%A7", "bad_encoding", "query string"),
        ("/search?q=%22unbalanced", "bad_query", "quote"),
        ("/search?q=a%20OR", "bad_query", "OR"),
    ])
    func badParameters(uri: String, code: String, named: String) async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(uri: uri, method: .get)
            let error = try ServerTest.expectError(response, .badRequest, code: code)
            #expect(error.message.contains(named), "message: \(error.message)")
        }
    }

    @Test("a query longer than the limit gets 400; one at the limit is searched")
    func queryLength() async throws {
        try await ServerTest.withServer(configure: { $0.maximumQueryLength = 20 }) { client in
            let long = String(repeating: "科", count: 21)
            let response = try await client.execute(uri: ServerTest.searchURI(["q": long]), method: .get)
            let error = try ServerTest.expectError(response, .badRequest, code: "query_too_long")
            #expect(error.message.contains("21") && error.message.contains("20"))
            let atLimit = try await ServerTest.search(client, ["q": String(repeating: "科", count: 20)])
            #expect(atLimit.total == 0)
        }
    }
}
