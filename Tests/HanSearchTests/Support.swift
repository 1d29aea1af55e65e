import Foundation
@testable import HanSearch
import HanSearchTestSupport
import Testing

/// Test helpers: temporary indexes and paths of the repository's files.
enum TestSupport {
    /// The repository root (two folders above this file's folder).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The development corpus, `Tests/Data/dev.jsonl` in the repository (found from this file's
    /// `#filePath`, so a clone needs nothing beside it), or `HANSEARCH_DEV_CORPUS`.
    static var devCorpusPath: String {
        if let path = ProcessInfo.processInfo.environment["HANSEARCH_DEV_CORPUS"] { return path }
        return repositoryRoot.appendingPathComponent("Tests/Data/dev.jsonl").path
    }

    /// Whether to run the long forms of the property tests (`HANSEARCH_FULL_TESTS=1`, as
    /// scripts/reliability.sh does); the suite's own forms are smaller, so that it stays fast.
    static let isFullRun = ProcessInfo.processInfo.environment["HANSEARCH_FULL_TESTS"] == "1"

    /// Writes `reports` into a new index and returns its path: with an ``IndexWriter``, or with a
    /// ``BulkIndexer`` (as `hanindex index` builds a new index) when `bulk` is set.
    static func index(_ reports: [Report], bulk: BulkIndexer.Options? = nil) throws -> String {
        let path = temporaryPath()
        if let bulk {
            let indexer = try BulkIndexer(path: path, options: bulk)
            for report in reports { try indexer.add(report) }
            try indexer.finish()
        } else {
            let writer = try IndexWriter.waitingForLock(path: path)
            for report in reports { try writer.add(report) }
            try writer.commit()
        }
        return path
    }

    /// Reads every report of a JSON Lines file, failing on any problem.
    static func reports(inJSONLines path: String) throws -> [Report] {
        var reports: [Report] = []
        var problems: [InputProblem] = []
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        CorpusReader().read(InputFile(path: path, relativePath: path, size: size, format: .jsonLines)) { item in
            switch item {
            case .report(let report, _): reports.append(report)
            case .problem(let problem): problems.append(problem)
            case .page: problems.append(InputProblem(location: InputLocation(file: path), message: "unexpected page"))
            }
            return true
        }
        if let problem = problems.first { throw problem }
        return reports
    }

    /// Every segment id matching `query`, paging through all results.
    static func allMatches(_ query: String, in index: SearchIndex) throws -> Set<String> {
        let results = try index.search(query, options: SearchOptions(limit: 100_000, snippetLength: 0))
        precondition(results.total == results.hits.count, "total must equal the number of hits when all are fetched")
        return Set(results.hits.map(\.id))
    }
}
