import ArgumentParser
import Foundation
import HanAPI
import HanSearch

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index.",
        discussion: """
            Query language: parts separated by spaces must all match; a Chinese part matches exactly \
            that substring; "quoted text" is one exact phrase; A OR B; -part excludes; title:part \
            searches titles. Options may come before or after the query, e.g. hanindex search 龙井 -杭州 \
            --limit 5; everything after -- is query.
            --json prints {"query", "total", "hits": [{"id", "doc", "title", "score", "snippet", "text", \
            "section"?, "kind"?, "date"?, "source"?, "page"?}]} (page: the PDF page the segment starts on); total is the exact number of matching segments; \
            snippet is HTML with matches in <mark>. With --facets, "facets": {"source"?: [{"value", "count"}], \
            "year"?: [...]} counts all matching segments per value (segments without one are not counted).
            """
    )

    @OptionGroup var location: IndexLocation

    @OptionGroup var synonymOption: SynonymOption

    // Unconditional: a value such as -1 is taken (and refused by validate()), not read as an option.
    @Option(parsing: .unconditional, help: "How many hits to show (0: only count them).")
    var limit = 10

    @Option(parsing: .unconditional, help: "How many hits to skip.")
    var offset = 0

    @Option(help: "Only segments of this document id.")
    var doc: String?

    @Option(help: ArgumentHelp("Only documents dated on or after this day.", valueName: "YYYY-MM-DD"))
    var from: String?

    @Option(help: ArgumentHelp("Only documents dated on or before this day.", valueName: "YYYY-MM-DD"))
    var to: String?

    @Option(help: "relevance or date (newest first).")
    var sort: ResultOrder = .relevance

    @Option(help: ArgumentHelp("Count all matching segments per source and/or year.", valueName: "source,year"))
    var facets: String?

    @Option(help: "Only documents from this source.")
    var source: String?

    @Option(help: ArgumentHelp("Only documents dated in this year.", valueName: "YYYY"))
    var year: String?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var query: QueryWords

    func validate() throws {
        try requireCount(limit, "--limit", atMost: 1_000_000)
        try requireCount(offset, "--offset")
        for (name, date) in [("--from", from), ("--to", to)] {
            if let date, !Report.isValidDate(date) { throw ValidationError("\(name) must be a date written YYYY-MM-DD") }
        }
        try validateFacets()
        guard !query.text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("give a query, e.g. hanindex search 科技服务业")
        }
    }

    func run() throws {
        let index: SearchIndex
        do {
            index = try location.openSearchIndex()
        } catch {
            throw fail("\(error)")
        }
        index.parser.synonyms = try synonymOption.table(index: location.index)
        var options = SearchOptions(limit: limit, offset: offset, document: doc, from: from, to: to, sort: sort)
        try addFacets(to: &options)
        let results: SearchResults
        do {
            results = try index.withShardRecovery { try $0.search(query.text, options: options) }
        } catch let error as QuerySyntaxError {
            throw fail("bad query: \(error)", code: 2)
        } catch {
            throw fail("\(error)")
        }
        if json {
            print(try jsonString(results))
        } else {
            printHuman(results)
        }
    }

    func printHuman(_ results: SearchResults) {
        let colour = isatty(STDOUT_FILENO) == 1
        guard results.total > 0 else {
            print("no matches for \(results.query)")
            return
        }
        let shown = results.hits.isEmpty ? "none shown" :
            "showing \(offset + 1)–\(offset + results.hits.count)"
        print("\(counted(results.total, "matching segment")) for \(results.query) (\(shown))")
        for (number, hit) in results.hits.enumerated() {
            let place = [hit.title, hit.section, hit.kind.flatMap { $0 == .body ? nil : $0.rawValue }]
                .compactMap { $0 }.joined(separator: " › ")
            let details = [hit.page.map { "p. \($0)" }, hit.date, hit.source].compactMap { $0 }.joined(separator: " · ")
            let heading = String(format: "%d. %.2f  %@", offset + number + 1, hit.score, place)
                + (details.isEmpty ? "" : "  " + details)
            print(colour ? "\u{1B}[1m\(heading)\u{1B}[0m  \u{1B}[2m\(hit.id)\u{1B}[0m" : "\(heading)  (\(hit.id))")
            print("   " + terminalSnippet(hit.snippet, colour: colour))
        }
        printFacets(results.facets)
    }

    /// Turns the HTML snippet into terminal text: highlights in ANSI reverse-yellow, or [brackets].
    func terminalSnippet(_ html: String, colour: Bool) -> String {
        Snippet.plainText(ofHTML: html, open: colour ? "\u{1B}[1;33m" : "[", close: colour ? "\u{1B}[0m" : "]")
    }
}

extension ResultOrder: ExpressibleByArgument {}
