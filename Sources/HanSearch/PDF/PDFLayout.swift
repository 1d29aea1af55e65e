import Foundation

/// A paragraph-like block of a PDF's text, in reading order.
struct PDFBlock: Sendable, Equatable {
    /// The lines joined as extracted (bylines regroup names on their spaces).
    var raw: String
    /// The text, spaces normalized as ``PageParser`` does (`PageTextRules.normalizingSpaces`).
    var text: String
    /// The page the block starts on, from 1.
    var page: Int
    /// Blank lines a plain-text extraction would put above the block: 3 after a wide empty space (a photo
    /// or figure), 1 otherwise; ``PageParser`` reads captions and headings from them.
    var blankLinesBefore: Int
    /// True when the block is the first of a column or page and its first line is not indented: it may
    /// continue the paragraph the previous column or page broke off.
    var mayContinue: Bool
    /// The font size of its first line.
    var fontSize: Double
}

/// Recovers lines, columns and paragraphs from the positioned words of PDF pages, and drops running
/// headers, footers and page numbers.
///
/// - **Columns.** A gutter is a vertical strip at least 1.2 font sizes wide that few words cover (a sixth of the densest strip),
///   with text on both sides. Words crossing a gutter (titles, bylines, banners) are *spanning*; they cut the
///   page into regions, and each region is read column by column, top to bottom. poppler's own order is not
///   used: it interleaves the columns of a newspaper page.
/// - **Lines.** Words of one column whose vertical middles are within half a line height form a line.
/// - **Paragraphs.** A new block starts after a gap above the page's usual line gap, at a change of font
///   size, at a first-line indent, and at each column or page. A gap of more than 2.5 line heights (a photo
///   box) counts as 3 blank lines, so the page parser reads the label below it as a caption.
/// - **Line wraps.** Lines of a block are joined without a space next to CJK characters, and a line ending
///   in `letter-` followed by a lowercase letter is joined without the hyphen (`inter-` + `national`).
/// - **Furniture.** A line whose middle is in the top or bottom 10% of a page is dropped when it looks like a page number
///   (`3`, `- 3 -`, `第 3 页`, `3 / 10`, `iv`) or when, with its digits removed, the same line is in that band on
///   another page (a running header or footer).
struct PDFLayout: Sendable {
    /// Share of the page height, at top and bottom, where running headers and footers are looked for.
    var furnitureBand = 0.1

    private struct Line {
        var text: String
        var x: Double, y: Double, maxX: Double, maxY: Double
        var fontSize: Double
        var column: Int  // -1: spanning
        var midY: Double { (y + maxY) / 2 }
    }

    /// The blocks of `pages`, in reading order.
    func blocks(of pages: [PDFPageText]) -> [PDFBlock] {
        let linesByPage = pages.map(lines(of:))
        let repeated = repeatedFurniture(linesByPage, pages: pages)
        var blocks: [PDFBlock] = []
        for (page, lines) in zip(pages, linesByPage) {
            let body = lines.filter { !isFurniture($0, on: page, repeated: repeated) }
            blocks += self.blocks(of: ordered(body), page: page.number)
        }
        return blocks
    }

    // MARK: Lines and columns

    /// The x ranges of the gutters of a page, left to right.
    func gutters(of page: PDFPageText) -> [ClosedRange<Double>] {
        guard page.words.count >= 20, let left = page.words.map(\.x).min(),
              let right = page.words.map(\.maxX).max(), right - left > 10 else { return [] }
        let bins = Int(right - left) + 1
        var coverage = [Double](repeating: 0, count: bins)
        for word in page.words {
            let from = max(0, Int(word.x - left)), to = min(bins - 1, Int(word.maxX - left))
            guard from <= to else { continue }
            for bin in from...to { coverage[bin] += word.height }
        }
        let peak = coverage.max() ?? 0
        let fontSize = median(page.words.map(\.fontSize))
        var gutters: [ClosedRange<Double>] = []
        var start: Int?
        for bin in 0..<bins {
            let empty = coverage[bin] <= 0.15 * peak
            if empty, start == nil { start = bin }
            if !empty, let first = start {
                start = nil
                // Text on both sides, and wide enough not to be the space between two words.
                if first > 0, Double(bin - first) >= 1.2 * fontSize {
                    gutters.append((left + Double(first))...(left + Double(bin)))
                }
            }
        }
        return gutters
    }

    /// The lines of a page, each in its column (or spanning).
    private func lines(of page: PDFPageText) -> [Line] {
        let gutters = gutters(of: page)
        var columns = page.words.map { word in
            gutters.contains { $0.overlaps(word.x...max(word.x, word.maxX)) } ? -1 : gutters.filter { $0.upperBound <= word.x }.count
        }
        // A word on the row of a spanning word and next to it belongs to the spanning line (a banner or title
        // whose last word falls inside a column). A few passes reach every word of such a line; the cap keeps
        // a hostile page from making this quadratic many times over.
        var changed = !gutters.isEmpty
        var passes = 0
        while changed && passes < 8 {
            changed = false
            passes += 1
            let spanning = page.words.indices.filter { columns[$0] < 0 }.map { page.words[$0] }
            for (index, word) in page.words.enumerated() where columns[index] >= 0 {
                let joins = spanning.contains { span in
                    abs(span.midY - word.midY) <= 0.5 * min(span.height, word.height)
                        && max(span.x - word.maxX, word.x - span.maxX) < 1.5 * word.fontSize
                }
                if joins {
                    columns[index] = -1
                    changed = true
                }
            }
        }
        var groups: [Int: [PDFWord]] = [:]
        for (word, column) in zip(page.words, columns) { groups[column, default: []].append(word) }
        var lines: [Line] = []
        for (column, words) in groups {
            var row: [PDFWord] = []
            for word in words.sorted(by: { ($0.midY, $0.x) < ($1.midY, $1.x) }) {
                if let first = row.first, abs(word.midY - first.midY) > 0.5 * min(word.height, first.height) {
                    lines.append(line(of: row, column: column))
                    row = []
                }
                row.append(word)
            }
            if !row.isEmpty { lines.append(line(of: row, column: column)) }
        }
        return lines
    }

    /// One line from the words of a row.
    private func line(of row: [PDFWord], column: Int) -> Line {
        // By middles: a squeezed punctuation mark may start inside the box of the word it precedes.
        let words = row.sorted { $0.x + $0.width / 2 < $1.x + $1.width / 2 }
        var text = ""
        for (index, word) in words.enumerated() {
            if index > 0 {
                let previous = words[index - 1]
                if previous.spaceAfter || word.x - previous.maxX > 0.25 * word.fontSize { text += " " }
            }
            text += word.text
        }
        return Line(text: text, x: words.map(\.x).min()!, y: words.map(\.y).min()!, maxX: words.map(\.maxX).max()!,
                    maxY: words.map(\.maxY).max()!, fontSize: median(words.map(\.fontSize)), column: column)
    }

    /// The lines in reading order, as runs: each column of each region between spanning lines, top to bottom,
    /// then the spanning line. Each run comes with the top of its region.
    private func ordered(_ lines: [Line]) -> [(lines: [Line], top: Double)] {
        let spanning = lines.filter { $0.column < 0 }.sorted { $0.y < $1.y }
        var regions = [[Line]](repeating: [], count: spanning.count + 1)
        for line in lines where line.column >= 0 {
            regions[spanning.filter { $0.midY < line.midY }.count].append(line)
        }
        var runs: [(lines: [Line], top: Double)] = []
        for (index, region) in regions.enumerated() {
            let top = region.map(\.y).min() ?? 0
            for column in Set(region.map(\.column)).sorted() {
                runs.append((region.filter { $0.column == column }.sorted { $0.y < $1.y }, top))
            }
            if index < spanning.count { runs.append(([spanning[index]], spanning[index].y)) }
        }
        return runs
    }

    // MARK: Blocks

    /// The blocks of one page's runs (see ``ordered(_:)``).
    private func blocks(of runs: [(lines: [Line], top: Double)], page: Int) -> [PDFBlock] {
        var gaps: [Double] = []
        for run in runs {
            for (a, b) in zip(run.lines, run.lines.dropFirst()) where b.y > a.maxY { gaps.append(b.y - a.maxY) }
        }
        let usualGap = gaps.isEmpty ? 0 : median(gaps)
        var blocks: [PDFBlock] = []
        var text = ""
        var previousRunEnd: Line?
        func finish() {
            if !text.isEmpty {
                blocks[blocks.count - 1].raw = text
                blocks[blocks.count - 1].text = PageTextRules.normalizingSpaces(text)
            }
            text = ""
        }
        func start(_ line: Line, blankLines: Int, mayContinue: Bool) {
            finish()
            blocks.append(PDFBlock(raw: "", text: "", page: page, blankLinesBefore: blankLines, mayContinue: mayContinue,
                                   fontSize: line.fontSize))
            text = line.text
        }
        for run in runs {
            let left = run.lines.map(\.x).min() ?? 0
            for (index, line) in run.lines.enumerated() {
                let indented = line.x > left + 1.0 * line.fontSize
                guard index > 0 else {
                    // Below what precedes it, or (in a new column) below the top of its region: a wide
                    // empty space above the first line of a column is a photo.
                    let above: Double
                    if let end = previousRunEnd, end.maxY <= line.y { above = line.y - end.maxY } else { above = line.y - run.top }
                    start(line, blankLines: above > 2.5 * line.fontSize ? 3 : 1, mayContinue: !indented && line.column >= 0)
                    continue
                }
                let previous = run.lines[index - 1]
                let gap = line.y - previous.maxY
                let size = max(line.fontSize, previous.fontSize)
                let previousAtLeft = previous.x <= left + 0.5 * previous.fontSize
                if gap > 2.5 * size {
                    start(line, blankLines: 3, mayContinue: false)
                } else if gap > usualGap + 0.25 * size || abs(line.fontSize - previous.fontSize) > 0.5
                            || (indented && previousAtLeft) {
                    start(line, blankLines: 1, mayContinue: false)
                } else {
                    text = PDFLayout.joiningWrappedLine(text, line.text)
                }
            }
            previousRunEnd = run.lines.last
        }
        finish()
        return blocks.filter { !$0.text.isEmpty }
    }

    /// `text` continued by the next line of its paragraph. A line ending in a hyphen continues its word:
    /// the hyphen is dropped when it is a hyphenation (`inter-` + `national`: a letter before it, a lowercase
    /// letter after it, and no other hyphen in the word, since TeX and word processors do not hyphenate
    /// compounds) and kept otherwise (`debian-reference-` + `zh-cn`, `2023-` + `02-04`). Other lines are
    /// joined by a space, removed next to CJK later.
    static func joiningWrappedLine(_ text: String, _ next: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.last == "-", let first = next.unicodeScalars.first, !first.properties.isWhitespace else {
            return text + " " + next
        }
        let word = scalars.dropLast().reversed().prefix { $0.isASCII && !$0.properties.isWhitespace }
        let hyphenation = word.first.map { $0.properties.isAlphabetic } == true && first.isASCII
            && first.properties.isLowercase && !word.contains("-")
        return (hyphenation ? String(String.UnicodeScalarView(scalars.dropLast())) : text) + next
    }

    // MARK: Furniture

    /// Whether `line` is in the top or bottom band of `page`.
    private func inBand(_ line: Line, of page: PDFPageText) -> Bool {
        line.midY <= furnitureBand * page.height || line.midY >= (1 - furnitureBand) * page.height
    }

    /// The band lines, without digits and spaces, that occur on more than one page.
    private func repeatedFurniture(_ linesByPage: [[Line]], pages: [PDFPageText]) -> Set<String> {
        var pagesByKey: [String: Set<Int>] = [:]
        for (page, lines) in zip(pages, linesByPage) {
            for line in lines where inBand(line, of: page) {
                pagesByKey[PDFLayout.furnitureKey(line.text), default: []].insert(page.number)
            }
        }
        return Set(pagesByKey.filter { !$0.key.isEmpty && $0.value.count > 1 }.keys)
    }

    private func isFurniture(_ line: Line, on page: PDFPageText, repeated: Set<String>) -> Bool {
        inBand(line, of: page) && (PDFLayout.isPageNumber(line.text) || repeated.contains(PDFLayout.furnitureKey(line.text)))
    }

    /// `text` without digits and whitespace: a running header with the page number in it keeps its key.
    static func furnitureKey(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter {
            !$0.properties.isWhitespace && !("0"..."9").contains($0)
        }))
    }

    /// Whether `text` is a page number: digits (or a lowercase roman numeral) with at most the usual
    /// dressing: `- 3 -`, `第 3 页`, `3 / 10`, `Page 3`, `(3)`.
    static func isPageNumber(_ text: String) -> Bool {
        var rest = text.lowercased()
        for dressing in ["page", "第", "页", "-", "–", "—", "/", "(", ")", "（", "）", " ", "\u{3000}"] {
            rest = rest.replacingOccurrences(of: dressing, with: "")
        }
        guard !rest.isEmpty else { return false }
        if rest.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) { return true }
        return rest.count <= 6 && rest.unicodeScalars.allSatisfy { "ivxlc".unicodeScalars.contains($0) }
    }
}

/// The median of `values` (0 for none).
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}
