import Foundation

/// A query that cannot be parsed, with a message meant for the person who typed it.
public struct QuerySyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, in words.
    public var message: String
    /// The character offset in the query where the problem was found, if it has one place.
    public var offset: Int?

    public var description: String {
        offset.map { "\(message) (at character \($0 + 1))" } ?? message
    }
}

/// Parses the query language:
///
/// - whitespace-separated parts are all required (AND);
/// - a CJK run is an exact substring (a phrase of its bigrams); letters and digits are words;
///   `2021年` or `AI芯片` written without a space must stand adjacent;
/// - `"quoted text"` is one exact phrase, across scripts and spaces;
/// - `A OR B` matches either part (OR binds tighter than the implicit AND);
/// - `-part` excludes segments that match the part;
/// - `title:part` searches titles only (`title:"…"` too);
/// - punctuation inside a part splits it into stretches that are all required, since punctuation
///   leaves a gap in the index;
/// - with ``synonyms``, an unquoted part also matches its text with group members swapped
///   (see ``SynonymTable/expand(_:maximumAlternatives:)``).
///
/// Broken syntax (an unbalanced quote, `OR` without a part on each side, a query with nothing to
/// search for) is a ``QuerySyntaxError``, never a silent empty result.
public struct QueryParser: Sendable {
    /// Queries longer than this many characters are rejected.
    public var maximumLength: Int
    /// Queries with more parts than this are rejected.
    public var maximumParts: Int
    /// Synonyms applied to unquoted parts.
    public var synonyms: SynonymTable

    /// Creates a parser with the given limits and synonyms.
    public init(maximumLength: Int = 1_000, maximumParts: Int = 64, synonyms: SynonymTable = .empty) {
        self.maximumLength = maximumLength
        self.maximumParts = maximumParts
        self.synonyms = synonyms
    }

    /// A lexical item of the query.
    enum Item: Equatable {
        case or(offset: Int)
        case part(QueryPart, excluded: Bool, offset: Int)
    }

    /// Parses `query`.
    public func parse(_ query: String) throws(QuerySyntaxError) -> ParsedQuery {
        // The operators as NFKC reads them, as the words are: full-width ＂ quotes and － excludes.
        let characters = Array(query.precomposedStringWithCompatibilityMapping)
        guard characters.count <= maximumLength else {
            throw QuerySyntaxError(
                message: "the query is \(characters.count) characters long; the limit is \(maximumLength)")
        }
        let items = try lex(characters)
        guard items.count <= maximumParts else {
            throw QuerySyntaxError(message: "the query has \(items.count) parts; the limit is \(maximumParts)")
        }
        return try synonyms.expand(try assemble(items))
    }

    /// Splits the query into parts and `OR` operators.
    func lex(_ characters: [Character]) throws(QuerySyntaxError) -> [Item] {
        var items: [Item] = []
        var index = 0
        while index < characters.count {
            if characters[index].isWhitespace {
                index += 1
                continue
            }
            let start = index
            var excluded = false
            if characters[index] == "-", index + 1 < characters.count, !characters[index + 1].isWhitespace {
                excluded = true
                index += 1
            }
            var field = QueryField.text
            if hasTitlePrefix(characters, at: index) {
                field = .title
                index += 6
            }
            let text: String
            let quoted = index < characters.count && characters[index] == "\""
            if quoted {
                guard let close = characters[(index + 1)...].firstIndex(of: "\"") else {
                    throw QuerySyntaxError(message: "a quote is opened but never closed", offset: index)
                }
                text = String(characters[(index + 1)..<close])
                index = close + 1
            } else {
                var end = index
                while end < characters.count, !characters[end].isWhitespace, characters[end] != "\"" { end += 1 }
                text = String(characters[index..<end])
                index = end
            }
            if !excluded, field == .text, !quoted, text == "OR" {
                items.append(.or(offset: start))
                continue
            }
            if field == .title, text.isEmpty, !quoted {
                throw QuerySyntaxError(message: "title: must be followed by the words to find in titles",
                                       offset: start)
            }
            let patterns = PhrasePattern.patterns(for: text)
            if patterns.isEmpty {
                // Only punctuation or symbols: nothing to search for. A quoted or fielded part that is
                // empty is a mistake worth reporting; a stray comma between words is not.
                if quoted || field == .title {
                    throw QuerySyntaxError(message: "\"\(text)\" contains nothing to search for (only punctuation or symbols)",
                                           offset: start)
                }
                continue
            }
            let part = QueryPart(field: field, text: text, isQuoted: quoted, patterns: patterns)
            items.append(.part(part, excluded: excluded, offset: start))
        }
        return items
    }

    func hasTitlePrefix(_ characters: [Character], at index: Int) -> Bool {
        guard index + 6 <= characters.count else { return false }
        return String(characters[index..<(index + 6)]).lowercased() == "title:"
    }

    /// Groups parts joined by `OR` and checks that every operator has a part on each side.
    func assemble(_ items: [Item]) throws(QuerySyntaxError) -> ParsedQuery {
        var required: [[QueryPart]] = []
        var excluded: [QueryPart] = []
        var joinNext = false
        for (index, item) in items.enumerated() {
            switch item {
            case .or(let offset):
                guard index > 0, case .part(_, excluded: false, _) = items[index - 1] else {
                    throw QuerySyntaxError(message: "OR needs a word to search for on its left", offset: offset)
                }
                guard index + 1 < items.count, case .part(_, excluded: false, _) = items[index + 1] else {
                    throw QuerySyntaxError(message: "OR needs a word to search for on its right", offset: offset)
                }
                joinNext = true
            case .part(let part, let isExcluded, _):
                if isExcluded {
                    excluded.append(part)
                } else if joinNext {
                    required[required.count - 1].append(part)
                } else {
                    required.append([part])
                }
                joinNext = false
            }
        }
        guard !required.isEmpty else {
            throw QuerySyntaxError(message: excluded.isEmpty
                ? "the query contains nothing to search for"
                : "the query only excludes; add at least one word to search for")
        }
        return ParsedQuery(required: required, excluded: excluded)
    }
}
