import Foundation

/// Splits a report's body into segments: one per paragraph, with very long paragraphs split at
/// sentence ends. A segment never cuts a sentence (a single sentence longer than the limit stays whole),
/// except a "sentence" longer than ``maximumSentenceLength``: text that runs that long without a
/// sentence end is not prose (a table dump, a 50 MB line of garbage), and one segment of it would make
/// every hit return megabytes; it is cut every ``maximumSentenceLength`` characters, and a phrase that
/// crosses such a cut is not found.
public struct Segmenter: Sendable {
    /// Paragraphs longer than this many characters are split at sentence ends.
    public var maximumLength: Int
    /// A run without a sentence end longer than this many characters is cut (10 × ``maximumLength`` by default).
    public var maximumSentenceLength: Int

    /// Creates a segmenter.
    public init(maximumLength: Int = 1_000) {
        self.init(maximumLength: maximumLength, maximumSentenceLength: 10 * maximumLength)
    }

    /// Creates a segmenter that cuts runs without a sentence end every `maximumSentenceLength` characters.
    public init(maximumLength: Int, maximumSentenceLength: Int) {
        self.maximumLength = maximumLength
        self.maximumSentenceLength = max(maximumSentenceLength, 1)
    }

    /// The segments of `report`, numbered from 1.
    public func segments(of report: Report) -> [Segment] {
        var segments: [Segment] = []
        for (index, text) in Segmenter.paragraphs(of: report.body).enumerated() {
            let page = report.pages.flatMap { index < $0.count ? $0[index] : nil }
            for piece in split(text) {
                let ordinal = segments.count + 1
                segments.append(Segment(id: "\(report.id)#\(ordinal)", doc: report.id, title: report.title,
                                        source: report.source, date: report.date, authors: report.authors,
                                        ordinal: ordinal, text: piece, page: page))
            }
        }
        return segments
    }

    /// The paragraphs of a report's body that hold text: its lines (split where `Character.isNewline`),
    /// trimmed of `CharacterSet.whitespaces`, without the blank ones.
    ///
    /// It works on Unicode scalars: every newline scalar is a grapheme of its own (or half of `\r\n`), and
    /// Foundation trims scalars, so the result is the same as splitting `Character`s and trimming, at a
    /// fraction of the cost (that was a twelfth of a bulk build's CPU).
    static func paragraphs(of body: String) -> [String] {
        var paragraphs: [String] = []
        let scalars = body.unicodeScalars
        var textStart: String.Index?  // the current line's first scalar that is not blank
        var textEnd = scalars.startIndex  // just after its last one so far
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            if isNewline(scalar) {
                if let start = textStart { paragraphs.append(String(scalars[start..<textEnd])) }
                textStart = nil
            } else if !isBlank(scalar) {
                if textStart == nil { textStart = index }
                textEnd = next
            }
            index = next
        }
        if let start = textStart { paragraphs.append(String(scalars[start..<textEnd])) }
        return paragraphs
    }

    /// The scalars of `Character.isNewline`: LF, VT, FF, CR, NEL, LINE and PARAGRAPH SEPARATOR.
    private static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// The scalars of `CharacterSet.whitespaces` (CoreFoundation's list): tab, the space separators (Zs)
    /// and the zero-width space.
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// The segments of one article of a newspaper page, numbered from 1 in reading order, each with
    /// its kind and section. Long body paragraphs are split at sentence ends like report paragraphs.
    public func segments(of article: Article, id: String, title: String) -> [Segment] {
        var segments: [Segment] = []
        for part in article.segments {
            let pieces = part.kind == .body ? split(part.text) : [part.text]
            for piece in pieces where !piece.isEmpty {
                let ordinal = segments.count + 1
                segments.append(Segment(id: "\(id)#\(ordinal)", doc: id, title: title,
                                        authors: article.authors.isEmpty ? nil : article.authors,
                                        section: part.section, kind: part.kind, ordinal: ordinal, text: piece,
                                        page: part.page))
            }
        }
        return segments
    }

    /// `paragraph` cut into pieces of at most ``maximumLength`` characters at sentence ends where possible.
    func split(_ paragraph: String) -> [String] {
        // A string has at most as many characters as UTF-8 bytes; counting characters walks the string.
        guard paragraph.utf8.count > maximumLength, paragraph.count > maximumLength else { return [paragraph] }
        var pieces: [String] = []
        // Lengths are counted as characters are appended: `String.count` walks the whole string.
        var current = "", currentLength = 0
        var sentence = "", sentenceLength = 0
        func endSentence() {
            if currentLength > 0 && currentLength + sentenceLength > maximumLength {
                pieces.append(current)
                current = ""
                currentLength = 0
            }
            current += sentence
            currentLength += sentenceLength
            sentence = ""
            sentenceLength = 0
        }
        for character in paragraph {
            sentence.append(character)
            sentenceLength += 1
            if Segmenter.endsSentence(character) || sentenceLength >= maximumSentenceLength { endSentence() }
        }
        endSentence()
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// Whether `character` ends a sentence (Chinese or Western full stop, question or exclamation mark).
    static func endsSentence(_ character: Character) -> Bool {
        switch character {
        case "。", "！", "？", "!", "?", "；", ";", "…": return true
        default: return false
        }
    }
}
