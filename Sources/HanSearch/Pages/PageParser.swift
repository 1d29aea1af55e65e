/// Recovers the structure of a newspaper page from the text extracted from its PDF.
///
/// The extraction puts every paragraph-like block on one line, separates blocks by blank lines, floats
/// photo captions into the middle of sentences, breaks sentences across blocks and leaves stray spaces
/// inside words. The parser reads the page line by line with general layout heuristics only:
///
/// - **Label lines.** Banners, titles, headings and captions share one shape: at most ``maxLabelLength``
///   characters, some CJK, and no sentence punctuation (`，,、；;：:。！!？?…`). Quotes, brackets and
///   title marks are allowed (`探索"造血式"发展之路`). A body fragment such as `今年上半年,为助力…` is
///   therefore never a label, however short.
/// - **Banner and first title.** The page opens with a run of label lines. If one of them is followed by
///   an authors line it is the first title; otherwise the last line of the run is. Everything above the
///   title is the banner.
/// - **Authors line.** One to ``maxAuthors`` names of CJK characters, separated by spaces, with no other
///   characters, directly below a label line (at most one blank line between). See ``authorNames(in:)``
///   for how names padded with spaces (`仇 欢 应 磊`) are regrouped.
/// - **New article or section heading?** A label line starts a new article when it is followed by an
///   authors line, or when it directly follows a photo credit: credits close an article's photo set, so
///   whatever label comes next heads the next article. Any other label line is a caption or a heading.
/// - **Caption or heading?** The extraction surrounds photos with runs of blank lines, so a label line
///   after ``captionBlankLines`` or more blank lines is a caption (a following label line with no blank
///   line in between is the rest of a wrapped caption); one after a single blank line is a section heading.
/// - **Credits.** A parenthesized group at the end of a line whose text starts with one of
///   ``creditPrefixes`` — `(图片由…提供)` — is a credit, whether alone on its line or glued to a paragraph.
/// - **Rejoining broken sentences.** A body paragraph that does not end a sentence (see
///   `PageTextRules.endsSentence`) continues in the next body paragraph; captions, credits and blank lines in
///   between are skipped. A heading or a title ends the paragraph as it stands: the layout starts a section
///   on a fresh column, so text after a heading never continues a sentence before it, and joining across it
///   would file the second half under the wrong section. A label-shaped line directly below an unfinished
///   paragraph with no blank line in between is read as its continuation (a hard-wrapped line), not a label.
/// - **Spaces.** Every stored text has its whitespace runs removed next to CJK characters and full-width
///   punctuation (`科技服 务业` → `科技服务业`, also between CJK and Latin letters or digits), and collapsed to
///   one space between other characters (`iPhone 14`). Authors are split on the raw spaces first.
///
/// Text before the first recognized title (a page starting with a body paragraph) forms an article with
/// an empty title. Empty text gives an empty page.
public struct PageParser: Sendable {
    /// Longest line, in characters after space normalization, that can be a banner, title, heading or caption.
    public var maxLabelLength = 40
    /// Fewest blank lines before a label line that make it a photo caption rather than a heading.
    public var captionBlankLines = 2
    /// Allowed lengths, in characters, of one author name.
    public var authorNameLengths = 2...4
    /// Most names an authors line may hold.
    public var maxAuthors = 6
    /// How the text inside the parentheses of a photo credit begins, as in `(图片由…提供)` or `(图/…)`.
    public var creditPrefixes = ["图片", "照片", "图/", "图／", "图:", "图：", "摄影", "摄"]

    /// Creates a parser with the default settings.
    public init() {}

    /// The document id of article `number` (from 1) of the page read from `fileID`.
    public static func articleID(fileID: String, number: Int) -> String {
        "\(fileID)/\(number)"
    }

    /// Parses the extracted text of one page.
    public func parse(_ text: String) -> Page {
        parse(PageSourceLine.lines(of: text))
    }

    /// Parses the blocks of a PDF (see ``PDFLayout``); each segment gets the page it starts on.
    func parse(_ blocks: [PDFBlock]) -> Page {
        parse(blocks.map { PageSourceLine(raw: $0.raw, text: $0.text, blankLinesBefore: $0.blankLinesBefore, page: $0.page) })
    }

    private func parse(_ lines: [PageSourceLine]) -> Page {
        var builder = PageBuilder()
        builder.currentPage = lines.first?.page
        var index = readOpening(lines, into: &builder)
        while index < lines.count {
            builder.currentPage = lines[index].page
            index = read(lines, at: index, into: &builder)
        }
        return builder.page
    }
}

// MARK: - Reading lines

extension PageParser {
    /// Reads the banner and the first title (with its authors line) from the run of label lines that opens
    /// the page. Returns the index of the first line not read.
    private func readOpening(_ lines: [PageSourceLine], into builder: inout PageBuilder) -> Int {
        let openingCount = lines.prefix(while: isLabel).count
        guard openingCount > 0 else { return 0 }
        for titleIndex in 0..<min(openingCount, lines.count - 1) {
            if let authors = authorNames(on: lines[titleIndex + 1]) {
                startFirstArticle(lines, titleIndex: titleIndex, authors: authors, into: &builder)
                return titleIndex + 2
            }
        }
        startFirstArticle(lines, titleIndex: openingCount - 1, authors: [], into: &builder)
        return openingCount
    }

    /// Starts the first article with the title at `titleIndex`; the lines above the title form the banner.
    private func startFirstArticle(_ lines: [PageSourceLine], titleIndex: Int, authors: [String], into builder: inout PageBuilder) {
        builder.startArticle(title: lines[titleIndex].text, authors: authors)
        guard titleIndex > 0 else { return }
        builder.addBanner(PageTextRules.normalizingSpaces(lines[..<titleIndex].map(\.text).joined(separator: " ")))
    }

    /// Reads the line at `index`, and any line that belongs to it, into `builder`.
    /// Returns the index of the next line to read.
    private func read(_ lines: [PageSourceLine], at index: Int, into builder: inout PageBuilder) -> Int {
        let line = lines[index]
        let (body, credit) = splitCredit(line.text)
        if body.isEmpty, let credit {
            builder.addCredit(credit)
            return index + 1
        }
        let isWrappedBody = builder.endsWithOpenParagraph && line.blankLinesBefore == 0
        if isLabel(line) && !isWrappedBody {
            return readLabel(lines, at: index, into: &builder)
        }
        builder.addBody(body)
        if let credit { builder.addCredit(credit) }
        return index + 1
    }

    /// Reads the label line at `index` as a title (with its authors line), a caption or a heading.
    /// Returns the index of the next line to read.
    private func readLabel(_ lines: [PageSourceLine], at index: Int, into builder: inout PageBuilder) -> Int {
        let line = lines[index]
        if index + 1 < lines.count, let authors = authorNames(on: lines[index + 1]) {
            builder.startArticle(title: line.text, authors: authors)
            return index + 2
        }
        if builder.endsWithCredit {
            builder.startArticle(title: line.text, authors: [])
            return index + 1
        }
        if line.blankLinesBefore >= captionBlankLines {
            return readCaption(lines, at: index, into: &builder)
        }
        builder.addHeading(line.text)
        return index + 1
    }

    /// Reads the caption starting at `index`, together with the label lines that directly follow it
    /// without a blank line (a caption wrapped over several lines). Returns the index of the next line.
    private func readCaption(_ lines: [PageSourceLine], at index: Int, into builder: inout PageBuilder) -> Int {
        var caption = lines[index].text
        var next = index + 1
        while next < lines.count, lines[next].blankLinesBefore == 0, isLabel(lines[next]) {
            caption = PageTextRules.joining(caption, lines[next].text)
            next += 1
        }
        builder.addCaption(caption)
        return next
    }
}

// MARK: - Recognizing lines

extension PageParser {
    /// True when `line` has the shape of a banner, title, heading or caption: short, with some CJK,
    /// without sentence punctuation and without a photo credit.
    func isLabel(_ line: PageSourceLine) -> Bool {
        line.text.count <= maxLabelLength
            && line.text.contains(where: PageTextRules.isCJK)
            && !line.text.contains(where: PageTextRules.isSentencePunctuation)
            && splitCredit(line.text).credit == nil
    }

    /// The names on `line` if it is an authors line that may follow a title: at most one blank line above
    /// it (a name-like line after a longer blank run is a caption) and names as ``authorNames(in:)`` reads them.
    func authorNames(on line: PageSourceLine) -> [String]? {
        guard line.blankLinesBefore < captionBlankLines else { return nil }
        return authorNames(in: line.raw)
    }

    /// The names in `raw` if it consists only of CJK names separated by whitespace, else `nil`.
    ///
    /// Newspapers pad a two-character name with a space to the width of a three-character one (`仇 欢`), and
    /// the extraction may add more such spaces. So a token of two or more characters is a name by itself,
    /// while a run of single characters is regrouped: a run of three is one name, other runs are taken in
    /// pairs, the odd character of a longer odd run joining the last pair. `仇 欢 应 磊` gives `仇欢`, `应磊`;
    /// `翁云塞 王虎羽` gives `翁云塞`, `王虎羽`. The result must have 1...``maxAuthors`` names whose lengths are
    /// in ``authorNameLengths``; a lone single character makes the line no authors line.
    func authorNames(in raw: String) -> [String]? {
        let tokens = raw.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !tokens.isEmpty, tokens.allSatisfy({ $0.allSatisfy(PageTextRules.isCJK) }) else { return nil }
        var names: [String] = []
        var singles: [String] = []
        for token in tokens {
            if token.count == 1 {
                singles.append(token)
            } else {
                names += Self.regroupingSingleCharacters(singles)
                singles = []
                names.append(token)
            }
        }
        names += Self.regroupingSingleCharacters(singles)
        guard names.count <= maxAuthors, names.allSatisfy({ authorNameLengths.contains($0.count) }) else { return nil }
        return names
    }

    /// Regroups a run of single-character tokens into names: three make one name, others go in pairs,
    /// the odd one out of a longer odd run joining the last pair.
    private static func regroupingSingleCharacters(_ singles: [String]) -> [String] {
        guard singles.count != 3 else { return [singles.joined()] }
        var names = stride(from: 0, to: singles.count - 1, by: 2).map { singles[$0] + singles[$0 + 1] }
        if singles.count % 2 == 1 {
            if names.isEmpty { names.append(singles[0]) } else { names[names.count - 1] += singles[singles.count - 1] }
        }
        return names
    }

    /// Splits a photo credit off the end of `text`: a closing parenthesis at the very end whose group's
    /// text begins with one of ``creditPrefixes``. The credit keeps its parentheses; the body is what comes
    /// before it (empty when the credit stands alone).
    func splitCredit(_ text: String) -> (body: String, credit: String?) {
        guard let last = text.last, PageTextRules.closingParentheses.contains(last),
              let open = text.lastIndex(where: PageTextRules.openingParentheses.contains)
        else { return (text, nil) }
        let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
        guard creditPrefixes.contains(where: { inside.hasPrefix($0) }) else { return (text, nil) }
        return (PageTextRules.normalizingSpaces(text[..<open]), String(text[open...]))
    }
}

// MARK: - Source lines

/// One non-blank line of the extracted text.
struct PageSourceLine {
    /// The line without leading and trailing whitespace, inner spaces as extracted.
    let raw: String
    /// The line with spaces normalized by `PageTextRules.normalizingSpaces`.
    let text: String
    /// How many blank (empty or whitespace-only) lines come directly before this line.
    let blankLinesBefore: Int
    /// The PDF page the line is on, if it comes from a PDF.
    var page: Int? = nil

    /// The non-blank lines of `text`, each with the count of blank lines above it.
    /// Splits on every newline, including `\r\n`.
    static func lines(of text: String) -> [PageSourceLine] {
        var lines: [PageSourceLine] = []
        var blankLines = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let normalized = PageTextRules.normalizingSpaces(line)
            guard !normalized.isEmpty else {
                blankLines += 1
                continue
            }
            let raw = line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
            lines.append(PageSourceLine(raw: String(raw), text: normalized, blankLinesBefore: blankLines))
            blankLines = 0
        }
        return lines
    }
}

// MARK: - Building the page

/// Accumulates articles and segments in reading order, keeping track of the current section and of the
/// body paragraph whose sentence is still unfinished.
struct PageBuilder {
    /// The page built so far.
    private(set) var page = Page()
    /// The heading the next segment falls under.
    private var section: String?
    /// Index, in the last article's segments, of a body paragraph that does not end a sentence yet.
    private var openParagraph: Int?

    /// True when the last segment is a body paragraph whose sentence is unfinished.
    var endsWithOpenParagraph: Bool {
        openParagraph != nil && openParagraph == lastArticle?.segments.indices.last
    }

    /// True when the last segment is a photo credit.
    var endsWithCredit: Bool {
        lastArticle?.segments.last?.kind == .credit
    }

    private var lastArticle: Article? { page.articles.last }

    /// The PDF page of the line being read; segments started now carry it.
    var currentPage: Int?

    /// Index of the article being built.
    private var current: Int { page.articles.count - 1 }

    /// Starts a new article; it has no section and no unfinished paragraph yet.
    mutating func startArticle(title: String, authors: [String]) {
        page.articles.append(Article(title: title, authors: authors))
        section = nil
        openParagraph = nil
    }

    /// Sets the page banner and records it as a segment of the current (first) article.
    mutating func addBanner(_ text: String) {
        page.banner = text
        append(.banner, text)
    }

    /// Starts a section; this ends any unfinished paragraph where it stands.
    mutating func addHeading(_ text: String) {
        section = text
        openParagraph = nil
        append(.heading, text)
        page.articles[current].sections.append(text)
    }

    /// Adds a caption; an unfinished paragraph stays open across it.
    mutating func addCaption(_ text: String) {
        append(.caption, text)
    }

    /// Adds a credit; an unfinished paragraph stays open across it.
    mutating func addCredit(_ text: String) {
        append(.credit, text)
    }

    /// Adds a body paragraph, or appends it to the unfinished paragraph if there is one.
    mutating func addBody(_ text: String) {
        let paragraph: Int
        if let open = openParagraph {
            paragraph = open
            let start = page.articles[current].segments[open].text
            page.articles[current].segments[open].text = PageTextRules.joining(start, text)
        } else {
            append(.body, text)
            paragraph = page.articles[current].segments.count - 1
        }
        let isFinished = PageTextRules.endsSentence(page.articles[current].segments[paragraph].text)
        openParagraph = isFinished ? nil : paragraph
    }

    /// Appends a segment under the current section, opening an untitled article if there is none yet.
    private mutating func append(_ kind: SegmentKind, _ text: String) {
        if page.articles.isEmpty { startArticle(title: "", authors: []) }
        page.articles[current].segments.append(PageSegment(kind: kind, section: section, text: text, page: currentPage))
    }
}

// MARK: - Character rules

/// Character-level rules shared by the parser: CJK tests, punctuation sets and space normalization.
enum PageTextRules {
    /// Punctuation that ends a sentence when it closes a paragraph (before any closing quotes or brackets).
    static let sentenceEnders: Set<Character> = ["。", "．", ".", "！", "!", "？", "?", "…", "⋯", "；", ";"]
    /// Closing quotes and brackets that may follow a sentence ender: `说。"`, `了！”`, `…）`.
    static let closers: Set<Character> = ["\"", "'", "”", "’", "」", "』", "）", ")", "》", "〉", "】", "〕", "]", "»"]
    /// Punctuation that never occurs in a banner, title, heading or caption.
    static let sentencePunctuation: Set<Character> = ["，", ",", "、", "；", ";", "：", ":", "。", "！", "!", "？", "?", "…", "⋯"]
    /// Opening parentheses of a credit.
    static let openingParentheses: Set<Character> = ["(", "（"]
    /// Closing parentheses of a credit.
    static let closingParentheses: Set<Character> = [")", "）"]

    /// True when `character` is a CJK ideograph, kana or hangul (per ``CharacterClass``).
    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        return CharacterClass(scalar) == .cjk
    }

    /// True for CJK characters and for the full-width punctuation set with them: CJK symbols (`。、《》`),
    /// full-width forms (`，！（）`), curly quotes, dashes, the ellipsis and the middle dot.
    static func isEastAsian(_ character: Character) -> Bool {
        guard let value = character.unicodeScalars.first?.value else { return false }
        if CharacterClass.isCJK(value) { return true }
        switch value {
        case 0x3000...0x303F, // CJK Symbols and Punctuation
             0xFF00...0xFFEF, // Halfwidth and Fullwidth Forms
             0xFE30...0xFE4F, // CJK Compatibility Forms
             0x2014...0x2026, // dashes, curly quotes, ellipsis
             0x00B7:          // middle dot
            return true
        default:
            return false
        }
    }

    /// True for the punctuation in ``sentencePunctuation``.
    static func isSentencePunctuation(_ character: Character) -> Bool {
        sentencePunctuation.contains(character)
    }

    /// True when `text` ends a sentence: its last character, skipping closing quotes and brackets, is a
    /// sentence ender. `说。"` and `了！”` end a sentence; `在"超级` and `称为"刚需"` do not.
    static func endsSentence(_ text: String) -> Bool {
        guard let last = text.reversed().first(where: { !closers.contains($0) }) else { return false }
        return sentenceEnders.contains(last)
    }

    /// Trims `text` and normalizes each inner whitespace run: removed when a CJK character or full-width
    /// punctuation mark stands on either side of it, otherwise collapsed to one space.
    static func normalizingSpaces(_ text: some StringProtocol) -> String {
        var result = ""
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace, let previous = result.last, !isEastAsian(previous), !isEastAsian(character) {
                result.append(" ")
            }
            pendingSpace = false
            result.append(character)
        }
        return result
    }

    /// Joins two pieces of one text broken by the extraction, normalizing the space between them.
    static func joining(_ first: String, _ second: String) -> String {
        normalizingSpaces(first + " " + second)
    }
}
