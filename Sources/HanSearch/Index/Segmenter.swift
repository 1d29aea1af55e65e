import Foundation

/// Splits a report's body into segments: one per paragraph, with very long paragraphs split at
/// sentence ends. A segment never cuts a sentence (a single sentence longer than the limit stays whole).
public struct Segmenter: Sendable {
    /// Paragraphs longer than this many characters are split at sentence ends.
    public var maximumLength: Int

    /// Creates a segmenter.
    public init(maximumLength: Int = 1_000) {
        self.maximumLength = maximumLength
    }

    /// The segments of `report`, numbered from 1.
    public func segments(of report: Report) -> [Segment] {
        var segments: [Segment] = []
        for paragraph in report.body.split(whereSeparator: \.isNewline) {
            let text = paragraph.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            for piece in split(text) {
                let ordinal = segments.count + 1
                segments.append(Segment(id: "\(report.id)#\(ordinal)", doc: report.id, title: report.title,
                                        source: report.source, date: report.date, authors: report.authors,
                                        ordinal: ordinal, text: piece))
            }
        }
        return segments
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
                                        section: part.section, kind: part.kind, ordinal: ordinal, text: piece))
            }
        }
        return segments
    }

    /// `paragraph` cut into pieces of at most ``maximumLength`` characters at sentence ends where possible.
    func split(_ paragraph: String) -> [String] {
        guard paragraph.count > maximumLength else { return [paragraph] }
        var pieces: [String] = []
        var current = ""
        var sentence = ""
        for character in paragraph {
            sentence.append(character)
            if Segmenter.endsSentence(character) {
                if !current.isEmpty && current.count + sentence.count > maximumLength {
                    pieces.append(current)
                    current = ""
                }
                current += sentence
                sentence = ""
            }
        }
        if !current.isEmpty && current.count + sentence.count > maximumLength {
            pieces.append(current)
            current = ""
        }
        current += sentence
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
