import Foundation

/// A segment as its Xapian document data holds it: JSON with one-letter keys and without the segment
/// id, which is `<doc>#<ordinal>`.
///
/// Every segment stores its document's fields, so that a hit is read with one lookup; the keys and the
/// id were a quarter of the data on real text.
/// Written by ``json(for:)``; its `Encodable` conformance is the reference the tests hold that writer to.
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

    /// The stored JSON of `segment`, byte for byte what `JSONEncoder` with sorted keys and unescaped slashes
    /// writes for its ``StoredSegment`` (stored data is compared byte for byte to find reports indexed again
    /// unchanged), without the encoder's cost, a twentieth of a bulk build's CPU: keys in sorted order, absent
    /// fields left out, and only `"`, `\` and control characters escaped.
    static func json(for segment: Segment) -> [UInt8] {
        var writer = JSONObjectWriter(capacity: segment.text.utf8.count + segment.title.utf8.count + 64)
        if let authors = segment.authors { writer.key("a"); writer.strings(authors) }
        writer.key("d"); writer.string(segment.doc)
        writer.key("h"); writer.string(segment.title)
        if let kind = segment.kind { writer.key("k"); writer.string(kind.rawValue) }
        writer.key("n"); writer.integer(segment.ordinal)
        if let source = segment.source { writer.key("o"); writer.string(source) }
        if let page = segment.page { writer.key("p"); writer.integer(page) }
        if let section = segment.section { writer.key("s"); writer.string(section) }
        if let date = segment.date { writer.key("t"); writer.string(date) }
        writer.key("x"); writer.string(segment.text)
        return writer.finished()
    }

    /// The segment stored as `data`.
    static func segment(data: some Sequence<UInt8>, decoder: JSONDecoder) throws -> Segment {
        let stored = try decoder.decode(StoredSegment.self, from: Data(data))
        return Segment(id: "\(stored.doc)#\(stored.ordinal)", doc: stored.doc, title: stored.title,
                       source: stored.source, date: stored.date, authors: stored.authors, section: stored.section,
                       kind: stored.kind, ordinal: stored.ordinal, text: stored.text, page: stored.page)
    }
}

/// Writes one flat JSON object into bytes, escaping on bytes as `JSONEncoder` does.
private struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Starts a member; keys are plain ASCII and written as they are.
    mutating func key(_ key: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func strings(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        defer { bytes.append(UInt8(ascii: "\"")) }
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            bytes.append(contentsOf: value.utf8)
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
    }

    mutating func finished() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
