/// The field a query part searches.
public enum QueryField: String, Sendable, Equatable, Codable {
    /// The segment's text.
    case text
    /// The title of the segment's document or article.
    case title
}

/// Terms that must stand at consecutive positions: an exact substring of the normalized text.
/// A single term is a plain term query.
public struct PhrasePattern: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The terms, one per consecutive position.
    public var terms: [String]

    /// Creates a pattern from its terms.
    public init(_ terms: [String]) { self.terms = terms }

    public var description: String { terms.joined(separator: " ") }

    /// The patterns that find `text` as typed: one per stretch of `text` between punctuation
    /// (punctuation leaves a gap in the index, so those stretches are matched separately and ANDed).
    ///
    /// A CJK run becomes its bigrams; a run of one character becomes that character; when a run is
    /// followed by a word inside the same stretch, its last character is added as a unigram, so that
    /// the pattern's positions stay consecutive (`芯片AI` → 芯片 片 ai).
    public static func patterns(for text: String) -> [PhrasePattern] {
        var patterns: [PhrasePattern] = []
        var current: [String] = []
        var previousPosition: UInt32 = 0
        var previousWasBigram = false
        var pendingUnigram: String?

        func closeStretch() {
            if let unigram = pendingUnigram, !previousWasBigram { current.append(unigram) }
            pendingUnigram = nil
            if !current.isEmpty { patterns.append(PhrasePattern(current)) }
            current = []
            previousWasBigram = false
        }

        for token in Tokenizer.tokens(text) {
            if token.position > previousPosition + 1 && previousPosition > 0 { closeStretch() }
            if token.position > previousPosition, let unigram = pendingUnigram {
                // The previous position was a CJK character without a bigram: the end of a run.
                // Keep its unigram unless it already ended the bigram before it and nothing follows.
                current.append(unigram)
                pendingUnigram = nil
                previousWasBigram = false
            }
            previousPosition = token.position
            switch token.kind {
            case .word:
                current.append(token.term)
                previousWasBigram = false
            case .bigram:
                pendingUnigram = nil
                current.append(token.term)
                previousWasBigram = true
            case .unigram:
                pendingUnigram = token.term
            }
        }
        closeStretch()
        return patterns
    }
}

/// One part of a query: text to find in a field.
public struct QueryPart: Sendable, Equatable, CustomStringConvertible {
    /// The field searched.
    public var field: QueryField
    /// The text as the user typed it (without quotes, `-` or field name).
    public var text: String
    /// Whether the user quoted the text.
    public var isQuoted: Bool
    /// The phrase patterns that must all match.
    public var patterns: [PhrasePattern]

    public var description: String {
        let body = patterns.map { "(\($0))" }.joined(separator: " AND ")
        return field == .title ? "title:[\(body)]" : body
    }
}

/// A parsed query: every group must match (a group matches when any of its parts does),
/// and no excluded part may match.
public struct ParsedQuery: Sendable, Equatable, CustomStringConvertible {
    /// Groups of alternatives (`A OR B`), all required.
    public var required: [[QueryPart]]
    /// Parts that exclude a segment (`-term`).
    public var excluded: [QueryPart]

    /// Every part, required or excluded.
    public var allParts: [QueryPart] { required.flatMap { $0 } + excluded }

    public var description: String {
        var text = required.map { group in
            group.count == 1 ? group[0].description : "(" + group.map(\.description).joined(separator: " OR ") + ")"
        }.joined(separator: " AND ")
        for part in excluded { text += " NOT \(part)" }
        return text
    }
}

extension ParsedQuery {
    /// The query `"text" OR title:"text"`: segments whose text or whose document title contains
    /// `text` as an exact substring. Nil when `text` holds nothing to search for (only punctuation).
    ///
    /// Collapsed to documents, this is "the documents that mention `text`", which is how the
    /// benchmark's peers judge matches.
    public static func anywhere(_ text: String) -> ParsedQuery? {
        let patterns = PhrasePattern.patterns(for: text)
        guard !patterns.isEmpty else { return nil }
        let parts = [QueryField.text, .title].map {
            QueryPart(field: $0, text: text, isQuoted: true, patterns: patterns)
        }
        return ParsedQuery(required: [parts], excluded: [])
    }
}
