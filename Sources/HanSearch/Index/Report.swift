import Foundation

/// One report to index, as given in JSON Lines (`{"id", "title", "body", "date"?, "source"?, "authors"?}`)
/// or read from a text file. The body's paragraphs are separated by `\n`.
public struct Report: Codable, Sendable, Equatable {
    /// The document id, kept as given. Segment ids are `<id>#<n>`.
    public var id: String
    /// The title.
    public var title: String
    /// The text; paragraphs separated by line breaks.
    public var body: String
    /// The publication date, `YYYY-MM-DD`.
    public var date: String?
    /// Where the report comes from (a newspaper, a manual…).
    public var source: String?
    /// The authors, if known.
    public var authors: [String]?
    /// The page each paragraph of ``body`` starts on (reports read from PDFs): one number per paragraph
    /// that holds text, from 1. Each segment carries the page of its paragraph.
    public var pages: [Int]?

    /// Creates a report.
    public init(id: String, title: String, body: String, date: String? = nil, source: String? = nil,
                authors: [String]? = nil, pages: [Int]? = nil) {
        self.id = id
        self.title = title
        self.body = body
        self.date = date
        self.source = source
        self.authors = authors
        self.pages = pages
    }

    /// The longest id accepted, in UTF-8 bytes (Xapian terms are limited to 245 bytes, and the id term
    /// carries a prefix and the segment number).
    public static let maximumIDLength = 200

    /// Checks the fields that JSON decoding cannot: a usable id and a real calendar date.
    /// Returns a message for each problem found.
    public func problems() -> [String] {
        var problems = Report.problems(forID: id)
        if let date, !Report.isValidDate(date) {
            problems.append("\"date\" must be a calendar date written YYYY-MM-DD, not \"\(date)\"")
        }
        let paragraphCount = Segmenter.paragraphs(of: body).count
        if let pages, pages.count != paragraphCount || pages.contains(where: { $0 < 1 }) {
            problems.append("\"pages\" must give a page number (from 1) for each of the \(paragraphCount) paragraphs of \"body\"")
        }
        if body.unicodeScalars.contains("\u{0}") || title.unicodeScalars.contains("\u{0}") {
            problems.append("the text contains a NUL character")
        }
        // Indexing a report replaces the document: one with no text would silently delete it.
        if paragraphCount == 0 {
            problems.append("\"body\" has no text; a report needs some to be indexed (to remove a document, delete it)")
        }
        return problems
    }

    /// What is wrong with `id` as a document id: empty, too long for a Xapian term, or holding
    /// a control character.
    public static func problems(forID id: String) -> [String] {
        if id.isEmpty { return ["\"id\" is empty"] }
        if id.utf8.count > maximumIDLength {
            return ["\"id\" is \(id.utf8.count) bytes long; the limit is \(maximumIDLength)"]
        }
        if id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return ["\"id\" contains a control character"]
        }
        return []
    }

    /// Whether `text` is a real date written `YYYY-MM-DD`.
    public static func isValidDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}

/// A paragraph-sized unit of a report, as stored in one Xapian document.
public struct Segment: Codable, Sendable, Equatable {
    /// The segment id, `<doc>#<ordinal>`.
    public var id: String
    /// The id of the report (document) the segment belongs to.
    public var doc: String
    /// The document's title.
    public var title: String
    /// The document's source, if any.
    public var source: String?
    /// The document's date, if any.
    public var date: String?
    /// The document's authors, if any.
    public var authors: [String]?
    /// The section heading the segment falls under (newspaper pages), if any.
    public var section: String?
    /// What the segment is on its page (body, caption, heading, credit, banner); nil for reports
    /// read from JSON, whose segments are all body text.
    public var kind: SegmentKind?
    /// The segment's number within its document, from 1, in reading order.
    public var ordinal: Int
    /// The page the segment starts on, from 1, for documents read from PDFs; nil otherwise.
    public var page: Int?
    /// The segment's text as given (not normalized).
    public var text: String

    /// Creates a segment.
    public init(id: String, doc: String, title: String, source: String? = nil, date: String? = nil,
                authors: [String]? = nil, section: String? = nil, kind: SegmentKind? = nil, ordinal: Int,
                text: String, page: Int? = nil) {
        self.id = id
        self.doc = doc
        self.title = title
        self.source = source
        self.date = date
        self.authors = authors
        self.section = section
        self.kind = kind
        self.ordinal = ordinal
        self.text = text
        self.page = page
    }
}
