/// A window of a segment's original text with the spans that a query matched.
public struct Snippet: Sendable, Equatable {
    /// The window's text, a slice of the original (not normalized) text.
    public var text: String
    /// The matched spans, as UTF-8 byte ranges of ``text``, sorted and merged.
    public var highlights: [Range<Int>]
    /// Whether the window starts after the beginning of the segment.
    public var isCutAtStart: Bool
    /// Whether the window ends before the end of the segment.
    public var isCutAtEnd: Bool

    /// The snippet with each highlight wrapped in `open`/`close`, every other piece of text passed
    /// through `escape`, and `…` where the window cuts the segment.
    public func marked(open: String, close: String, escape: (Substring) -> String = { String($0) }) -> String {
        let utf8 = text.utf8
        var result = isCutAtStart ? "…" : ""
        var offset = 0
        func piece(_ range: Range<Int>) -> Substring {
            Substring(utf8[utf8.index(utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: range.upperBound)])
        }
        for span in highlights {
            result += escape(piece(offset..<span.lowerBound))
            result += open + escape(piece(span)) + close
            offset = span.upperBound
        }
        result += escape(piece(offset..<utf8.count))
        if isCutAtEnd { result += "…" }
        return result
    }

    /// The snippet as HTML: text escaped, highlights in `<mark>`.
    public var html: String {
        marked(open: "<mark>", close: "</mark>", escape: Snippet.escapeHTML)
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` escaped for HTML, safe in text and in quoted attributes.
    ///
    /// It walks Unicode scalars, never `Character`s: a grapheme cluster can fuse a `<` with a prepended
    /// mark before it (U+0600) or a combining mark after it (U+0301), and such a cluster is not `"<"`.
    public static func escapeHTML(_ text: Substring) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result.append(contentsOf: "&amp;".unicodeScalars)
            case "<": result.append(contentsOf: "&lt;".unicodeScalars)
            case ">": result.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": result.append(contentsOf: "&quot;".unicodeScalars)
            case "'": result.append(contentsOf: "&#39;".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// Snippet HTML as made by ``html`` turned back into text, with `open` and `close` around the
    /// matches: what ``marked(open:close:escape:)`` gives without escaping, for the command line and for
    /// MCP clients that read text. One pass over Unicode scalars, like ``escapeHTML(_:)``: a `;` fused with
    /// a combining mark into one `Character` still ends an entity.
    public static func plainText(ofHTML html: String, open: String, close: String) -> String {
        let markup = [("<mark>", open), ("</mark>", close), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""),
                      ("&#39;", "'"), ("&amp;", "&")].map { (Array($0.0.unicodeScalars), $0.1) }
        let scalars = Array(html.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        scan: while index < scalars.count {
            if scalars[index] == "<" || scalars[index] == "&" {
                for (code, text) in markup where scalars[index...].starts(with: code) {
                    result.append(contentsOf: text.unicodeScalars)
                    index += code.count
                    continue scan
                }
            }
            result.append(scalars[index])
            index += 1
        }
        return String(result)
    }
}

/// Our own highlighter: Xapian's `MSet::snippet` ignores positionless terms and marks CJK text one
/// character at a time. We tokenize the original text with the same tokenizer, keep each token's
/// range in the original, find where the query's phrase patterns occur, and merge overlapping or
/// adjacent matches into one highlight.
public enum Highlighter {
    /// The UTF-8 ranges of `text` where any of `patterns` occurs, sorted and merged. `text` is tokenized
    /// with `folding`, so `patterns` must be folded alike; the ranges are those of the original characters.
    public static func matchedRanges(in text: String, patterns: [PhrasePattern],
                                     folding: Folding = .none) -> [Range<Int>] {
        guard !patterns.isEmpty else { return [] }
        let tokens = Tokenizer.tokens(text, folding: folding)
        var byPosition: [UInt32: [Token]] = [:]
        for token in tokens { byPosition[token.position, default: []].append(token) }
        var ranges: [Range<Int>] = []
        for pattern in patterns {
            guard let first = pattern.terms.first else { continue }
            for start in tokens where start.term == first {
                var upper = start.sourceRange.upperBound
                var matched = true
                for (offset, term) in pattern.terms.enumerated().dropFirst() {
                    let position = start.position + UInt32(offset)
                    guard let token = byPosition[position]?.first(where: { $0.term == term }) else {
                        matched = false
                        break
                    }
                    upper = max(upper, token.sourceRange.upperBound)
                }
                if matched { ranges.append(start.sourceRange.lowerBound..<upper) }
            }
        }
        return merged(ranges)
    }

    /// Sorts `ranges` and merges those that overlap or touch.
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// A window of at most `length` characters (Unicode scalars) of `text` around the densest cluster
    /// of matches of `patterns` (folded with `folding`, as for ``matchedRanges(in:patterns:folding:)``);
    /// the start of the text when nothing matched.
    public static func snippet(of text: String, patterns: [PhrasePattern], length: Int = 120,
                               folding: Folding = .none) -> Snippet {
        let ranges = matchedRanges(in: text, patterns: patterns, folding: folding)
        var scalarStarts: [Int] = []
        var offset = 0
        for scalar in text.unicodeScalars {
            scalarStarts.append(offset)
            offset += UTF8.width(scalar)
        }
        let total = scalarStarts.count
        guard total > length else {
            return Snippet(text: text, highlights: ranges, isCutAtStart: false, isCutAtEnd: false)
        }
        scalarStarts.append(offset)
        func scalarIndex(ofByte byte: Int) -> Int {
            var low = 0, high = total
            while low < high {
                let middle = (low + high) / 2
                if scalarStarts[middle] < byte { low = middle + 1 } else { high = middle }
            }
            return low
        }
        // The window that covers the most highlights, starting a little before its first one.
        let lead = length / 5
        var bestStart = 0
        var bestCount = 0
        for (index, range) in ranges.enumerated() {
            let start = max(0, min(scalarIndex(ofByte: range.lowerBound) - lead, total - length))
            let end = scalarStarts[start + length]
            let covered = ranges[index...].prefix { $0.upperBound <= end }.count
            if covered > bestCount {
                bestCount = covered
                bestStart = start
            }
        }
        let lowerByte = scalarStarts[bestStart]
        let upperByte = scalarStarts[bestStart + length]
        let bytes = Array(text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: lowerByte)..<text.utf8.index(text.utf8.startIndex, offsetBy: upperByte)])
        let highlights = ranges.compactMap { range -> Range<Int>? in
            let lower = max(range.lowerBound, lowerByte), upper = min(range.upperBound, upperByte)
            return lower < upper ? (lower - lowerByte)..<(upper - lowerByte) : nil
        }
        return Snippet(text: String(decoding: bytes, as: UTF8.self), highlights: highlights,
                       isCutAtStart: lowerByte > 0, isCutAtEnd: upperByte < offset)
    }
}
