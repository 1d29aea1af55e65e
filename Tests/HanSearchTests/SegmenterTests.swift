import Foundation
import Testing
@testable import HanSearch

/// The scalar-level paragraph split and the hand-written segment JSON give what the `Character` split with
/// Foundation's trimming and `JSONEncoder` gave: the index's layout and re-run detection depend on it.
@Suite("Segmenting and segment JSON")
struct SegmenterTests {
    static let reports = Array((try? TestSupport.reports(inJSONLines: TestSupport.devCorpusPath)) ?? [])

    /// The paragraph split that the scalar-level one replaced.
    static func referenceParagraphs(of body: String) -> [String] {
        body.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Every scalar that is a newline or whitespace to `Character` or `CharacterSet`, and near misses.
    static let separatorLike: [Unicode.Scalar] = (0...0x3000).compactMap(Unicode.Scalar.init).filter {
        $0.properties.isWhitespace || $0.properties.generalCategory == .spaceSeparator || $0.properties.generalCategory == .control
    } + ["\u{180E}", "\u{200B}", "\u{FEFF}", "\u{2028}", "\u{2029}"]

    /// Pieces the random bodies are made of: separators, combining marks (which join the scalar before
    /// them into one `Character`), CJK and ASCII text.
    static let pieces: [String] = separatorLike.map { String($0) } + ["\r\n", "\u{301}", "\u{20DD}", "e\u{301}", "中文", "a", "。", "🇨🇳"]

    @Test("paragraphs of every separator-like scalar between text are those of the Character split")
    func separatorsAlone() {
        for scalar in Self.separatorLike {
            let body = "甲\(scalar)乙 \(scalar) 丙\(scalar)\(scalar)\u{301}丁\(scalar)"
            #expect(Segmenter.paragraphs(of: body) == Self.referenceParagraphs(of: body),
                    "U+\(String(scalar.value, radix: 16, uppercase: true))")
        }
    }

    @Test("paragraphs of random mixtures of separators, marks and text are those of the Character split")
    func randomBodies() {
        var generator = SeededGenerator(state: 20_261_204)
        for _ in 0..<2_000 {
            let body = (0..<Int.random(in: 0...24, using: &generator))
                .map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            let paragraphs = Segmenter.paragraphs(of: body)
            #expect(paragraphs == Self.referenceParagraphs(of: body), "\(body.unicodeScalars.map { $0.value })")
        }
    }

    @Test("paragraphs of the dev corpus are those of the Character split")
    func devCorpus() {
        #expect(Self.reports.count > 800)
        for report in Self.reports {
            #expect(Segmenter.paragraphs(of: report.body) == Self.referenceParagraphs(of: report.body), "\(report.id)")
        }
    }

    @Test("a paragraph of exactly the maximum number of characters, each several bytes, stays whole")
    func lengthCountsCharacters() {
        let segmenter = Segmenter(maximumLength: 10)
        #expect(segmenter.split(String(repeating: "汉", count: 10)) == [String(repeating: "汉", count: 10)])
        #expect(segmenter.split(String(repeating: "汉字。", count: 4)) == ["汉字。汉字。汉字。", "汉字。"])
    }

    /// What the hand-written JSON replaced: `JSONEncoder` of the segment's ``StoredSegment``.
    static func referenceJSON(_ segment: Segment) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let stored = StoredSegment(doc: segment.doc, title: segment.title, source: segment.source, date: segment.date,
                                   authors: segment.authors, section: segment.section, kind: segment.kind,
                                   ordinal: segment.ordinal, page: segment.page, text: segment.text)
        return Array(try encoder.encode(stored))
    }

    @Test("segment JSON is byte for byte JSONEncoder's, for the dev corpus's segments")
    func jsonOfDevCorpus() throws {
        let segments = Self.reports.flatMap { Segmenter().segments(of: $0) }
        #expect(segments.count > 10_000)
        for segment in segments {
            #expect(try StoredSegment.json(for: segment) == Self.referenceJSON(segment), "\(segment.id)")
        }
    }

    @Test("segment JSON is byte for byte JSONEncoder's for every field and every ASCII and separator character")
    func jsonOfEveryField() throws {
        let ascii = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init)))
        let odd = ascii + String(String.UnicodeScalarView(Self.separatorLike)) + "\"\\/</script>🇨🇳e\u{301}"
        let full = Segment(id: "\(odd)#7", doc: odd, title: odd, source: odd, date: "2026-12-04", authors: [odd, "", "王"],
                           section: odd, kind: .caption, ordinal: 7, text: odd, page: 12)
        let bare = Segment(id: "d#1", doc: "d", title: "", ordinal: 1, text: "x")
        let noAuthors = Segment(id: "d#2", doc: "d", title: "t", authors: [], ordinal: 2, text: "y")
        for segment in [full, bare, noAuthors] {
            let json = StoredSegment.json(for: segment)
            #expect(json == (try Self.referenceJSON(segment)), "\(String(decoding: json, as: UTF8.self))")
            #expect(try StoredSegment.segment(data: json, decoder: JSONDecoder()) == segment)
        }
    }
}
