import Foundation
import HanSearch
@testable import HanServe
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /search with facets", .removingTemporaryFolders)
struct FacetRouteTests {
    /// Three sources over three years, plus reports without a source or a date.
    static let reports: [Report] = (0..<24).map { n -> Report in
        let paragraphs: [String] = (0...(n % 3)).map { p -> String in
            n % 4 == 3 && p == 0 ? "无关段落\(p)" : "科技服务业第\(n)篇第\(p)段"
        }
        let sources = ["宁波日报", "新华社", "debian"]
        let date: String? = n % 5 == 4 ? nil : "202\(n % 3)-06-0\(1 + n % 9)"
        return Report(id: "f\(n)", title: "报告\(n)", body: paragraphs.joined(separator: "\n"), date: date,
                      source: n % 7 == 6 ? nil : sources[n % 3])
    }

    /// The segments containing `text`, optionally of one source and year.
    static func matching(_ text: String, source: String? = nil, year: String? = nil) -> [Segment] {
        reports.flatMap { Segmenter().segments(of: $0) }.filter {
            $0.text.contains(text) && (source == nil || $0.source == source)
                && (year == nil || $0.date?.hasPrefix(year! + "-") == true)
        }
    }

    /// Counts per value, highest first, then by value.
    static func counted(_ values: [String]) -> [FacetValue] {
        Dictionary(grouping: values, by: { $0 }).map { FacetValue(value: $0.key, count: $0.value.count) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
    }

    /// `/search` with `items` as its query string.
    static func uri(_ items: [URLQueryItem]) -> String {
        var components = URLComponents()
        components.path = "/search"
        components.queryItems = items
        return components.string!
    }

    @Test("facets=source,year counts every matching segment, though one hit is returned")
    func counts() async throws {
        try await ServerTest.withServer(Self.reports) { client in
            let expected = Self.matching("科技服务业")
            #expect(expected.count > 10 && expected.contains { $0.source == nil } && expected.contains { $0.date == nil })
            let result = try await ServerTest.search(client, ["q": "科技服务业", "limit": "1", "facets": "source,year"])
            #expect(result.total == expected.count)
            #expect(result.hits.count == 1)
            #expect(result.facets?.source == Self.counted(expected.compactMap(\.source)))
            #expect(result.facets?.year == Self.counted(expected.compactMap { $0.date.map { String($0.prefix(4)) } }))
            let onlyYear = try await ServerTest.search(client, ["q": "科技服务业", "facets": "year"])
            #expect(onlyYear.facets?.source == nil && onlyYear.facets?.year == result.facets?.year)
            // Without facets= the response has no facets field at all.
            let plain = try await client.execute(uri: ServerTest.searchURI(["q": "科技服务业"]), method: .get)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: plain.body)) as? [String: Any])
            #expect(object["facets"] == nil)
        }
    }

    @Test("source= and year= narrow the hits and the total to the chosen values")
    func filters() async throws {
        try await ServerTest.withServer(Self.reports) { client in
            for (source, year) in [("新华社", nil), (nil, "2021"), ("宁波日报", "2020"), ("debian", "2019")] as [(String?, String?)] {
                var items = [URLQueryItem(name: "q", value: "科技服务业"), URLQueryItem(name: "limit", value: "1000"),
                             URLQueryItem(name: "facets", value: "source,year")]
                if let source { items.append(URLQueryItem(name: "source", value: source)) }
                if let year { items.append(URLQueryItem(name: "year", value: year)) }
                let expected = Self.matching("科技服务业", source: source, year: year)
                let response = try await client.execute(uri: Self.uri(items), method: .get)
                #expect(response.status == .ok)
                let result = try ServerTest.decode(SearchResponse.self, response)
                #expect(result.total == expected.count, "\(source ?? "-") \(year ?? "-")")
                #expect(result.hits.map(\.id).sorted() == expected.map(\.id).sorted())
                #expect(result.facets?.source == Self.counted(expected.compactMap(\.source)))
            }
        }
    }

    @Test("an unknown facet, an empty source or a malformed year is a 400 naming the parameter and the value",
          arguments: [("facets", "source,yaer", "yaer"), ("facets", "", "source, year"), ("facets", "sources", "source, year"),
                      ("source", "", "source"), ("year", "22", "\"22\""), ("year", "２０２２", "YYYY")])
    func badParameters(name: String, value: String, mentioned: String) async throws {
        try await ServerTest.withServer { client in
            let response = try await client.execute(
                uri: Self.uri([URLQueryItem(name: "q", value: "科技"), URLQueryItem(name: name, value: value)]), method: .get)
            let error = try ServerTest.expectError(response, .badRequest, code: "bad_parameter")
            #expect(error.message.contains("\"\(name)\"") && error.message.contains(mentioned), "\(error.message)")
        }
    }
}
