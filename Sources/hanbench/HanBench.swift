import ArgumentParser
import Foundation
import HanSearch

/// Times queries in-process against an index, for `bench/run`: for each query of a file, the time to
/// find all matching documents and the time to answer a ranked top-k search (with snippets, as the CLI
/// and the server do). Writes the timings and the matched document ids as JSON.
@main
struct HanBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hanbench",
        abstract: "Time queries against an index (used by bench/run).",
        discussion: """
            Each query is run --repeat times and its latency is the median, as bench/peers.py does. \
            "All matches" is every document whose text or title contains the query (`"q" OR title:"q"`, \
            collapsed to document ids), which is how peers.py judges matches; "top" is the ranked search \
            of the query as a user types it, with --limit hits, their snippets and the exact total.
            """
    )

    @Option(help: "The index folder.")
    var index: String

    @Option(help: "The query file: one query per line; blank lines and lines starting with # are skipped.")
    var queries: String

    @Option(help: "Runs per query; the median is reported.")
    var `repeat` = 3

    @Option(help: "Hits per ranked search.")
    var limit = 10

    @Option(help: "Where to write the JSON results.")
    var output: String

    @Option(help: ArgumentHelp(
        "Also write each query's phrase patterns, folded as the index is, to this file.",
        discussion: "One line per query: the query, then a tab before each pattern, its terms separated by spaces. "
            + "bench/floor/locate.cpp runs them against other layouts."))
    var patterns: String?

    func validate() throws {
        guard `repeat` > 0 else { throw ValidationError("--repeat must be at least 1") }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let clock = ContinuousClock()
        var searchIndex: SearchIndex?
        let openTime = try clock.measure { searchIndex = try SearchIndex(path: index) }
        guard let searchIndex else { return }
        let lines = try String(contentsOfFile: queries, encoding: .utf8).split(whereSeparator: \.isNewline)
        var results: [QueryTiming] = []
        var patternLines = ""
        for line in lines {
            let query = line.trimmingCharacters(in: .whitespaces)
            guard !query.isEmpty, !query.hasPrefix("#"), let anywhere = ParsedQuery.anywhere(query) else { continue }
            let folded = anywhere.required[0][0].patterns.map(searchIndex.folding.fold)
            patternLines += ([query] + folded.map(\.description)).joined(separator: "\t") + "\n"
            var documents: [String] = []
            let all = try median(clock) { documents = try searchIndex.documentIDs(matching: anywhere) }
            var total: Int?
            let top = try median(clock) {
                total = try searchIndex.search(query, options: SearchOptions(limit: limit)).total
            }
            results.append(QueryTiming(q: query, allMilliseconds: all, topMilliseconds: top,
                                       segments: total ?? 0, docs: documents))
        }
        let report = BenchReport(index: index, openMilliseconds: milliseconds(openTime), repeat: `repeat`,
                                 limit: limit, queries: results)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        try encoder.encode(report).write(to: URL(fileURLWithPath: output))
        if let patterns { try patternLines.write(toFile: patterns, atomically: true, encoding: .utf8) }
        let summary = String(format: "hanbench: %d queries, open %.1f ms", results.count, report.openMilliseconds)
        FileHandle.standardError.write(Data((summary + "\n").utf8))
    }

    /// The median of ``repeat`` timed runs of `body`, in milliseconds.
    func median(_ clock: ContinuousClock, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<`repeat` { times.append(milliseconds(try clock.measure(body))) }
        times.sort()
        return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    }

    func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }
}

/// The timings of one query.
struct QueryTiming: Codable {
    /// The query as read from the file.
    var q: String
    /// Median time to find all matching documents, in milliseconds.
    var allMilliseconds: Double
    /// Median time of the ranked top-k search, in milliseconds.
    var topMilliseconds: Double
    /// The exact number of matching segments that the ranked search reported.
    var segments: Int
    /// The ids of all matching documents (text or title), in index order.
    var docs: [String]

    enum CodingKeys: String, CodingKey {
        case q, allMilliseconds = "all_ms", topMilliseconds = "top_ms", segments, docs
    }
}

/// What `hanbench` writes.
struct BenchReport: Codable {
    var index: String
    var openMilliseconds: Double
    var `repeat`: Int
    var limit: Int
    var queries: [QueryTiming]

    enum CodingKeys: String, CodingKey {
        case index, openMilliseconds = "open_ms", `repeat`, limit, queries
    }
}
