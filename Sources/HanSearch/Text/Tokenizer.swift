/// One indexing unit produced by the ``Tokenizer``.
public struct Token: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// What kind of unit a token is.
    public enum Kind: Sendable, Hashable {
        /// Two adjacent CJK characters of one run, positioned at the first one.
        case bigram
        /// One CJK character.
        case unigram
        /// A lowercased run of letters and digits (decimals such as 445.4 stay one word).
        case word
    }

    /// The token's kind.
    public var kind: Kind
    /// The term text, already normalized.
    public var term: String
    /// The token's position (1-based). Bigrams share the position of their first character.
    public var position: UInt32
    /// Whether the index stores the position. Unigrams inside a CJK run are indexed without one
    /// (see ``Tokenizer``); the tokenizer still reports where they stand, for highlighting.
    public var isPositional: Bool
    /// The UTF-8 byte range of the original (unnormalized) text that the token covers.
    public var sourceRange: Range<Int>

    public var description: String { "\(term)@\(position)\(isPositional ? "" : "~")" }
}

/// The CJK bigram tokenizer: pure Swift over normalized Unicode scalars.
///
/// Rules:
/// - A run of CJK characters (ideographs, kana, hangul) yields its overlapping bigrams, each at the
///   position of its first character. Whitespace and line breaks between two CJK characters do not
///   break a run (text extracted from PDF often reads 科技服 务业).
/// - Every CJK character is also indexed as a unigram, so that a one-character query finds every
///   segment containing that character wherever it stands. Only the first and the last character
///   of a run store their position; the ones inside a run are indexed without a position.
///   Cost and why: a bigram index cannot answer a one-character query (the character may stand
///   at the end of a run, or alone between punctuation), so unigrams are needed. A positionless
///   posting costs one entry per distinct character per segment (wdf only), far less than a position
///   per character — positions are the bulk of a positional index — and the two run-boundary
///   positions are exactly what a phrase needs when a CJK run meets a word of letters or digits
///   (`2021年` = `2021` followed by the first character of a run; `芯片AI` = 芯片, 片, `ai`).
/// - Runs of letters and digits yield lowercased words; a `.` between two digits stays inside the
///   word, so 445.4 is one word; 60% yields the word 60.
/// - Positions continue across script changes and whitespace, so `2021年` and `2021 年` tokenize
///   alike. Punctuation and symbols leave one empty position, so no phrase matches across them.
public enum Tokenizer {
    /// Bumped whenever the tokens produced for some input change. Stored in the index.
    public static let version = 1

    /// Words longer than this many UTF-8 bytes are cut at a character boundary (Xapian terms are
    /// limited to 245 bytes including the field prefix).
    public static let maximumWordLength = 120

    /// All tokens of `text`, ordered by position, with `folding` applied after normalization.
    public static func tokens(_ text: String, folding: Folding = .none) -> [Token] {
        var result: [Token] = []
        forEachToken(in: text, folding: folding) { result.append($0) }
        return result
    }

    /// Calls `body` with each token of `text`, ordered by position. Each normalized scalar is folded
    /// (see ``Folding``) before it is tokenized; a fold maps one scalar to one, so token ranges still
    /// cover the original characters.
    public static func forEachToken(in text: String, folding: Folding = .none, _ body: (Token) -> Void) {
        var state = State()
        Normalizer.forEachScalar(in: text) { scalar, start, end in
            state.consume(folding.fold(scalar), start, end, body)
        }
        state.finish(body)
    }

    /// The tokenizer's state machine. Kept as a struct so that the per-scalar path does not allocate.
    struct State {
        typealias Located = (scalar: Unicode.Scalar, start: Int, end: Int)

        var position: UInt32 = 0
        var gapPending = false
        var run: [Located] = []
        var runSuspendedBySpace = false
        var word = String.UnicodeScalarView()
        var wordStart = 0
        var wordEnd = 0
        var lastWordScalarIsDigit = false
        /// A `.` seen right after a digit inside a word: it stays in the word if a digit follows.
        var pendingDot = false

        mutating func nextPosition() -> UInt32 {
            if gapPending && position > 0 { position += 1 }
            gapPending = false
            position += 1
            return position
        }

        mutating func consume(_ scalar: Unicode.Scalar, _ start: Int, _ end: Int, _ body: (Token) -> Void) {
            if pendingDot {
                pendingDot = false
                if isASCIIDigit(scalar) {
                    word.append(".")
                    appendToWord(scalar, start, end)
                    return
                }
                flushWord(body)
                gapPending = true
            }
            switch CharacterClass(scalar) {
            case .cjk:
                flushWord(body)
                runSuspendedBySpace = false
                run.append((scalar, start, end))
            case .word:
                flushRun(body)
                if word.isEmpty { wordStart = start }
                appendToWord(scalar, start, end)
            case .space:
                flushWord(body)
                if !run.isEmpty { runSuspendedBySpace = true }
            case .other:
                if scalar == "." && !word.isEmpty && lastWordScalarIsDigit {
                    pendingDot = true
                    return
                }
                flushWord(body)
                flushRun(body)
                gapPending = true
            }
        }

        mutating func finish(_ body: (Token) -> Void) {
            flushWord(body)
            flushRun(body)
        }

        mutating func appendToWord(_ scalar: Unicode.Scalar, _ start: Int, _ end: Int) {
            word.append(scalar)
            wordEnd = end
            lastWordScalarIsDigit = isASCIIDigit(scalar)
        }

        func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value >= 0x30 && scalar.value <= 0x39
        }

        mutating func flushWord(_ body: (Token) -> Void) {
            guard !word.isEmpty else { return }
            var term = String(word)
            if term.utf8.count > Tokenizer.maximumWordLength {
                term = Tokenizer.truncated(term, toUTF8Length: Tokenizer.maximumWordLength)
            }
            body(Token(kind: .word, term: term, position: nextPosition(), isPositional: true,
                       sourceRange: wordStart..<wordEnd))
            // A fresh view, not `removeAll(keepingCapacity:)`: words are small strings, stored inline, and
            // emptying a view in place goes through generic code (a twentieth of the tokenizer's time).
            word = String.UnicodeScalarView()
            lastWordScalarIsDigit = false
        }

        mutating func flushRun(_ body: (Token) -> Void) {
            runSuspendedBySpace = false
            guard !run.isEmpty else { return }
            let last = run.count - 1
            for index in 0...last {
                let character = run[index]
                let position = nextPosition()
                var unigram = String.UnicodeScalarView()
                unigram.append(character.scalar)
                body(Token(kind: .unigram, term: String(unigram), position: position,
                           isPositional: index == 0 || index == last,
                           sourceRange: character.start..<character.end))
                if index < last {
                    let following = run[index + 1]
                    var bigram = unigram
                    bigram.append(following.scalar)
                    body(Token(kind: .bigram, term: String(bigram), position: position, isPositional: true,
                               sourceRange: character.start..<following.end))
                }
            }
            run.removeAll(keepingCapacity: true)
        }
    }

    /// `term` cut to at most `length` UTF-8 bytes at a scalar boundary.
    static func truncated(_ term: String, toUTF8Length length: Int) -> String {
        var result = String.UnicodeScalarView()
        var used = 0
        for scalar in term.unicodeScalars {
            used += UTF8.width(scalar)
            if used > length { break }
            result.append(scalar)
        }
        return String(result)
    }
}
