import Foundation
internal import Xapian

/// What is wrong with one record of a batch of reports (or with the batch as a whole).
public struct RecordProblem: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// The record's 0-based position in the batch: its array index, or its number among the non-blank
    /// lines of JSON Lines. Nil when the problem concerns the whole input (e.g. it is not JSON at all).
    public var index: Int?
    /// The 1-based line of the input where the record is, for JSON Lines.
    public var line: Int?
    /// The record's id, when it has a readable one.
    public var id: String?
    /// What is wrong, in words.
    public var message: String

    /// Creates a problem report.
    public init(index: Int?, line: Int? = nil, id: String? = nil, message: String) {
        self.index = index
        self.line = line
        self.id = id
        self.message = message
    }

    public var description: String {
        var place: [String] = []
        if let line {
            place.append("line \(line)")
        } else if let index {
            place.append("element [\(index)]")
        }
        if let id { place.append("id \"\(id)\"") }
        return (place.isEmpty ? "" : place.joined(separator: ", ") + ": ") + message
    }
}

/// Reads a whole batch of reports from one input (e.g. an HTTP request body) and validates every
/// record before anything is indexed, so that a caller can refuse the batch as a whole and list all
/// of its bad records at once (unlike ``CorpusReader``, which skips bad records and goes on).
public enum ReportBatch {
    /// The input formats of a batch.
    public enum Format: Sendable, Equatable {
        /// One JSON report object, or a JSON array of them.
        case json
        /// JSON Lines: one report object per non-blank line.
        case jsonLines
    }

    /// Decodes and validates every record of `bytes`. When `problems` is empty, `reports` holds the
    /// whole batch in input order; otherwise `problems` lists every bad record.
    public static func parse(_ bytes: [UInt8], format: Format) -> (reports: [Report], problems: [RecordProblem]) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if !body.contains(where: { !isBlank($0) }) {
            return ([], [RecordProblem(index: nil, message: "the body is empty: send at least one report")])
        }
        switch format {
        case .json: return parseJSON(body)
        case .jsonLines: return parseJSONLines(body)
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private static func parseJSON(_ body: ArraySlice<UInt8>) -> ([Report], [RecordProblem]) {
        if let offset = CorpusReader.firstInvalidUTF8Offset(body) {
            let line = body.prefix(offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            return ([], [RecordProblem(index: nil, line: line, message: "invalid UTF-8 at byte \(offset)")])
        }
        let data = Data(body)
        switch body.first(where: { !isBlank($0) }) {
        case UInt8(ascii: "["):
            do {
                let records = try CorpusReader.decode([LenientReport].self, from: data)
                if records.isEmpty {
                    return ([], [RecordProblem(index: nil, message: "the array is empty: send at least one report")])
                }
                return collect(records.enumerated().map { ($0.offset, nil, $0.element.result) })
            } catch {
                return ([], [RecordProblem(index: nil, message: CorpusReader.describe(error))])
            }
        case UInt8(ascii: "{"):
            let record = Result { try CorpusReader.decode(Report.self, from: data) }
            return collect([(0, nil, record)])
        default:
            return ([], [RecordProblem(index: nil,
                                       message: "the body must be a JSON object (one report) or an array of them")])
        }
    }

    private static func parseJSONLines(_ body: ArraySlice<UInt8>) -> ([Report], [RecordProblem]) {
        var records: [(Int, Int?, Result<Report, Error>)] = []
        JSONLines.split(body) { line, number in
            let result: Result<Report, Error>
            if let offset = CorpusReader.firstInvalidUTF8Offset(line) {
                result = .failure(InvalidUTF8(offset: offset))
            } else {
                result = Result { try CorpusReader.decode(Report.self, from: Data(line)) }
            }
            records.append((records.count, number, result))
            return true
        }
        return collect(records)
    }

    /// The valid reports, or a problem for each decoding failure and each report that ``Report/problems()`` rejects.
    private static func collect(_ records: [(index: Int, line: Int?, result: Result<Report, Error>)])
        -> ([Report], [RecordProblem]) {
        var reports: [Report] = []
        var problems: [RecordProblem] = []
        // The first record of each id, by index and line: a batch holding one id twice would store only
        // the last of them, so it is refused rather than answered with a count that was not stored.
        var firstByID: [String: (index: Int, line: Int?)] = [:]
        for record in records {
            switch record.result {
            case .success(let report):
                var found = report.problems()
                if let first = firstByID[report.id] {
                    found.append("the id repeats record \(first.index)" + (first.line.map { " (line \($0))" } ?? "")
                                 + "; send each document once per request")
                } else {
                    firstByID[report.id] = (record.index, record.line)
                }
                if found.isEmpty {
                    reports.append(report)
                } else {
                    problems.append(RecordProblem(index: record.index, line: record.line,
                                                  id: report.id.isEmpty ? nil : InputProblem.printable(report.id),
                                                  message: found.joined(separator: "; ")))
                }
            case .failure(let error as InvalidUTF8):
                problems.append(RecordProblem(index: record.index, line: record.line,
                                              message: "invalid UTF-8 at byte \(error.offset) of the line"))
            case .failure(let error):
                problems.append(RecordProblem(index: record.index, line: record.line,
                                              message: CorpusReader.describe(error)))
            }
        }
        return (problems.isEmpty ? reports : [], problems)
    }

    private struct InvalidUTF8: Error {
        var offset: Int
    }

    /// Decodes one array element without failing the whole array, so every bad element gets reported.
    private struct LenientReport: Decodable {
        var result: Result<Report, Error>
        init(from decoder: Decoder) throws {
            result = Result { try Report(from: decoder) }
        }
    }
}

/// One change to an index, for ``IndexWriter/applyAtomically(_:)``.
public enum IndexChange: Sendable, Equatable {
    /// Adds or replaces a report.
    case add(Report)
    /// Deletes a document and all its segments.
    case delete(documentID: String)
    /// Adds or replaces one article of a newspaper page as document `id` (`<file>/<n>`).
    case addArticle(Article, id: String, title: String)
    /// Deletes the articles `<fileID>/<from>`, `<fileID>/<from + 1>`… that exist (those an earlier version
    /// of a page had beyond the new one's count).
    case deleteArticles(fileID: String, from: Int)

    /// The changes that index `page` read from `fileID` as ``IndexWriter/add(page:fileID:)`` does: each
    /// article, then the deletion of stale ones.
    public static func changes(forPage page: Page, fileID: String) -> [IndexChange] {
        page.articles.enumerated().map { number, article in
            let id = PageParser.articleID(fileID: fileID, number: number + 1)
            return .addArticle(article, id: id, title: article.title.isEmpty ? fileID : article.title)
        } + [.deleteArticles(fileID: fileID, from: page.articles.count + 1)]
    }

    /// The ids of the reports and articles that `changes` add, in order.
    public static func addedIDs(_ changes: [IndexChange]) -> [String] {
        changes.compactMap {
            switch $0 {
            case .add(let report): report.id
            case .addArticle(_, let id, _): id
            case .delete, .deleteArticles: nil
            }
        }
    }
}

extension IndexWriter {
    /// Applies `changes` in one Xapian transaction and commits them: readers see all of them or none,
    /// even for batches large enough that Xapian would otherwise flush part of them on its own.
    /// On failure nothing is applied. Returns, for each change, the number of segments added or removed.
    public func applyAtomically(_ changes: [IndexChange]) throws(HanSearchError) -> [Int] {
        try beginBatch()
        do throws(HanSearchError) {
            var counts: [Int] = []
            counts.reserveCapacity(changes.count)
            for change in changes { counts.append(try apply(change)) }
            try commitBatch()
            return counts
        } catch {
            cancelBatch()
            throw error
        }
    }

    /// Applies one change, uncommitted. Returns the number of segments added or removed.
    func apply(_ change: IndexChange) throws(HanSearchError) -> Int {
        switch change {
        case .add(let report):
            return try add(report)
        case .delete(let id):
            return try delete(documentID: id)
        case .addArticle(let article, let id, let title):
            return try replace(documentID: id, with: segmenter.segments(of: article, id: id, title: title))
        case .deleteArticles(let fileID, let from):
            var removed = 0, number = from
            while case let count = try delete(documentID: PageParser.articleID(fileID: fileID, number: number)), count > 0 {
                removed += count
                number += 1
            }
            return removed
        }
    }
}
