import Foundation
import HanSearchTestSupport
import Testing
@testable import HanSearch

/// Facet counts and filters, checked against counts computed here from the fixture's segments.
@Suite("Facets", .removingTemporaryFolders)
struct FacetTests {
    /// Reports from four sources (two of which share a prefix) over four years, some without a date,
    /// some without a source, and one newspaper page (its articles have neither).
    static let reports: [Report] = (0..<40).map { n in
        let sources = ["宁波日报", "宁波日报社", "debian", "新华社"]
        let paragraphs = (0...(n % 3)).map { p in
            [n % 2 == 0 ? "科技服务业发展第\(n)段" : "港口建设第\(n)段", p == 1 ? "宁波科技\(n)" : "其他内容\(p)"].joined()
        }
        return Report(id: "r\(n)", title: "报告\(n)", body: paragraphs.joined(separator: "\n"),
                      date: n % 7 == 6 ? nil : "\(2020 + (n / 3) % 4)-0\(1 + n % 9)-1\(n % 10)",
                      source: n % 5 == 4 ? nil : sources[n % 4])
    }
    static let page = Page(articles: [
        Article(title: "科技新闻", segments: [PageSegment(kind: .body, text: "宁波科技服务业再上台阶。"),
                                            PageSegment(kind: .body, text: "港口吞吐量增长。")]),
    ])
    static let pageFile = "page.txt"

    /// Every segment of the fixture, as the writers cut them.
    static let segments: [Segment] = reports.flatMap { Segmenter().segments(of: $0) }
        + page.articles.enumerated().flatMap { number, article in
            Segmenter().segments(of: article, id: PageParser.articleID(fileID: pageFile, number: number + 1), title: article.title)
        }

    enum Writer: String, CaseIterable { case updates, bulk, shards }

    /// The fixture indexed by `writer`.
    static func index(_ writer: Writer) throws -> SearchIndex {
        switch writer {
        case .updates:
            let path = temporaryPath()
            let writer = try IndexWriter.waitingForLock(path: path)
            for report in reports { try writer.add(report) }
            try writer.add(page: page, fileID: pageFile)
            try writer.commit()
            return try SearchIndex(path: path)
        case .bulk:
            let path = temporaryPath()
            let indexer = try BulkIndexer(path: path, options: BulkIndexer.Options(workers: 2))
            for report in reports { try indexer.add(report) }
            try indexer.add(page: page, fileID: pageFile)
            try indexer.finish()
            return try SearchIndex(path: path)
        case .shards:
            let shards = try ShardList((1...3).map { .local(path: temporaryPath("s\($0)")) })
            let writer = try ShardedWriter(shards: shards)
            for report in reports { try writer.add(report) }
            try writer.add(page: page, fileID: pageFile)
            try writer.close()
            return try SearchIndex(shards: shards)
        }
    }

    /// The segments containing `text` (every query below is one CJK run: an exact substring search).
    static func matching(_ text: String) -> [Segment] { segments.filter { $0.text.contains(text) } }

    /// Facet counts computed by hand, sorted like the index sorts them.
    static func bruteForce(_ segments: [Segment]) -> FacetCounts {
        func counted(_ values: [String]) -> [FacetValue] {
            Dictionary(grouping: values, by: { $0 }).map { FacetValue(value: $0.key, count: $0.value.count) }
                .sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
        }
        return FacetCounts(source: counted(segments.compactMap(\.source)),
                           year: counted(segments.compactMap { $0.date.map { String($0.prefix(4)) } }))
    }

    static let queries = ["科技", "科技服务业", "港口", "宁波", "其他内容", "缺席"]

    @Test("counts cover every match, not only the page returned, for every writer", arguments: Writer.allCases)
    func countsEqualBruteForce(writer: Writer) throws {
        let index = try Self.index(writer)
        for query in Self.queries {
            var options = SearchOptions(limit: 3)
            options.facets = [.source, .year]
            let results = try index.search(query, options: options)
            let expected = Self.matching(query)
            #expect(results.total == expected.count, "\(query)")
            #expect(results.hits.count == min(3, expected.count), "\(query)")
            #expect(results.facets == Self.bruteForce(expected), "\(query)")
        }
        // The fixture must exercise what it claims: a query matching some segments of several sources and
        // years, and segments without a source or a date among them.
        let some = Self.matching("科技")
        #expect(some.count > 5 && some.count < Self.segments.count)
        #expect(Set(some.compactMap(\.source)).count == 4 && Set(some.compactMap { $0.date?.prefix(4) }).count == 4)
        #expect(some.contains { $0.source == nil } && some.contains { $0.date == nil })
    }

    @Test("only the facets asked for are counted, in any order, and none without asking")
    func onlyWhatIsAsked() throws {
        let index = try Self.index(.updates)
        var options = SearchOptions(limit: 1, sort: .date)
        #expect(try index.search("科技", options: options).facets == nil)
        options.facets = [.year]
        let expected = Self.bruteForce(Self.matching("科技"))
        #expect(try index.search("科技", options: options).facets == FacetCounts(year: expected.year))
        options.facets = [.year, .source]
        #expect(try index.search("科技", options: options).facets == expected)
        // The one-term search that stops early without facets counts everything with them.
        options.facets = [.source]
        #expect(try index.search("科", options: options).facets?.source == Self.bruteForce(Self.matching("科")).source)
    }

    @Test("source and year filters narrow the hits, the total and the counts exactly")
    func filters() throws {
        let index = try Self.index(.updates)
        for query in ["科技", "港口", "宁波"] {
            for source in ["宁波日报", "宁波日报社", "debian", "新华社", "无此来源", nil] {
                for year in ["2020", "2023", "1999", nil] {
                    var options = SearchOptions(limit: 1000)
                    options.source = source
                    options.year = year
                    options.facets = [.source, .year]
                    let results = try index.search(query, options: options)
                    let expected = Self.matching(query).filter {
                        (source == nil || $0.source == source) && (year == nil || $0.date?.hasPrefix(year! + "-") == true)
                    }
                    let label = "\(query) \(source ?? "-") \(year ?? "-")"
                    #expect(results.total == expected.count, "\(label)")
                    #expect(results.hits.map(\.id).sorted() == expected.map(\.id).sorted(), "\(label)")
                    #expect(results.facets == Self.bruteForce(expected), "\(label)")
                }
            }
        }
        // Sources and years vary independently: both filters together narrow further than either alone.
        let bySource = Self.matching("科技").filter { $0.source == "宁波日报" }
        let byBoth = bySource.filter { $0.date?.hasPrefix("2020-") == true }
        #expect(!byBoth.isEmpty && byBoth.count < bySource.count
                && byBoth.count < Self.matching("科技").filter { $0.date?.hasPrefix("2020-") == true }.count)
        // A year filter combines with a date range.
        var options = SearchOptions(limit: 1000, from: "2021-03-01")
        options.year = "2021"
        let expected = Self.matching("科技").filter { ($0.date ?? "") >= "2021-03-01" && $0.date?.hasPrefix("2021") == true }
        #expect(!expected.isEmpty)
        #expect(try index.search("科技", options: options).total == expected.count)
    }

    @Test("hanindex search --facets prints the counts (JSON and text), --source/--year filter, bad names are refused")
    func commandLine() throws {
        let path = try TestSupport.index(Self.reports)
        let json = try CLI.run(["search", "--index", path, "--json", "--limit", "1", "--facets", "source,year", "科技"])
        #expect(json.status == 0, "\(json.stderr)")
        let results = try JSONDecoder().decode(SearchResults.self, from: Data(json.stdout.utf8))
        let expected = Self.bruteForce(Self.matching("科技").filter { !$0.doc.hasPrefix(Self.pageFile) })
        #expect(results.facets == expected && results.hits.count == 1)
        let filtered = try CLI.run(["search", "--index", path, "--json", "--source", "新华社", "--year", "2022", "科技"])
        let narrowed = Self.matching("科技").filter { $0.source == "新华社" && $0.date?.hasPrefix("2022-") == true }
        #expect(!narrowed.isEmpty)
        #expect(try JSONDecoder().decode(SearchResults.self, from: Data(filtered.stdout.utf8)).total == narrowed.count)
        let text = try CLI.run(["search", "--index", path, "--facets", "year", "科技"])
        let yearLine = "year: " + expected.year!.map { "\($0.value) \($0.count)" }.joined(separator: " · ")
        #expect(text.stdout.split(separator: "\n").contains { $0 == yearLine }, "\(text.stdout)")
        let bad = try CLI.run(["search", "--index", path, "--facets", "source,sorce", "科技"])
        #expect(bad.status == 64 && bad.stderr.contains("unknown facet \"sorce\""), "\(bad.stderr)")
        let badYear = try CLI.run(["search", "--index", path, "--year", "21", "科技"])
        #expect(badYear.status == 64 && badYear.stderr.contains("--year"), "\(badYear.stderr)")
    }

    @Test("facet lists parse names in order, once each; unknown names are named in the error")
    func parsing() throws {
        #expect(try Facet.list(parsing: "source,year") == [.source, .year])
        #expect(try Facet.list(parsing: "year, source,year") == [.year, .source])
        for bad in ["sources", "source,", "", "Year"] {
            #expect { _ = try Facet.list(parsing: bad) } throws: { error in
                let message = "\(error)"
                return message.contains("the facets are source, year")
                    && (bad.isEmpty || bad.hasSuffix(",") || message.contains("\"\(bad.split(separator: ",").last!)\""))
            }
        }
        #expect(Facet.isValidYear("2022") && !Facet.isValidYear("22") && !Facet.isValidYear("２０２２") && !Facet.isValidYear("20a2"))
    }
}
