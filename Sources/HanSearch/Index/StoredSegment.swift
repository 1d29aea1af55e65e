import Foundation

/// A segment as its Xapian document data holds it: JSON with one-letter keys and without the segment
/// id, which is `<doc>#<ordinal>`.
///
/// Every segment stores its document's fields, so that a hit is read with one lookup; the keys and the
/// id were a quarter of the data on real text.
struct StoredSegment: Codable {
    var doc: String
    var title: String
    var source: String?
    var date: String?
    var authors: [String]?
    var section: String?
    var kind: SegmentKind?
    var ordinal: Int
    var page: Int?
    var text: String

    enum CodingKeys: String, CodingKey {
        case doc = "d", title = "h", source = "o", date = "t", authors = "a", section = "s", kind = "k",
             ordinal = "n", page = "p", text = "x"
    }

    init(_ segment: Segment) {
        doc = segment.doc
        title = segment.title
        source = segment.source
        date = segment.date
        authors = segment.authors
        section = segment.section
        kind = segment.kind
        ordinal = segment.ordinal
        page = segment.page
        text = segment.text
    }

    /// The segment stored as `data`.
    static func segment(data: some Sequence<UInt8>, decoder: JSONDecoder) throws -> Segment {
        let stored = try decoder.decode(StoredSegment.self, from: Data(data))
        return Segment(id: "\(stored.doc)#\(stored.ordinal)", doc: stored.doc, title: stored.title,
                       source: stored.source, date: stored.date, authors: stored.authors, section: stored.section,
                       kind: stored.kind, ordinal: stored.ordinal, text: stored.text, page: stored.page)
    }
}
