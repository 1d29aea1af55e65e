import Foundation
@testable import HanSearch
import HanSearchTestSupport
import Testing

/// Snippets are HTML that the search page inserts as markup, so nothing of the indexed text may survive
/// as markup: only our own `<mark>` tags.
@Suite("HTML escaping of snippets")
struct HTMLEscapeTests {
    /// Scalars that fuse with their neighbours into one grapheme cluster, the characters HTML gives a
    /// meaning to, and ordinary text around them.
    static let palette: [Unicode.Scalar] = [
        "<", ">", "&", "\"", "'", "/", "=", " ", "a", "x", "1", "字", "素", "绕", "过", "。",
        "\u{0600}", "\u{0601}", "\u{06DD}", "\u{070F}", "\u{110BD}",  // prepended concatenation marks
        "\u{0301}", "\u{0308}", "\u{20DD}", "\u{FE0F}", "\u{E0100}",  // combining marks, variation selectors
        "\u{200D}", "\u{200C}", "\u{1F468}", "\u{1F469}", "\u{1F1E8}", "\u{1F1F3}",  // ZWJ, emoji, flags
        "\u{1100}", "\u{1161}", "\u{11A8}",  // Hangul jamo that form one syllable cluster
        "\r", "\n", "\u{0085}", "\u{202E}",
    ]

    /// Our own markup: `<mark>`, `</mark>` and the entities `escapeHTML` writes.
    static let ownMarkup = ["<mark>", "</mark>", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]

    /// `html` with our own markup removed; what is left must contain none of `<`, `>`, `&`, `"`, `'`.
    static func foreignMarkup(in html: String) -> [Unicode.Scalar] {
        let rest = ownMarkup.reduce(html) { $0.replacingScalars(of: $1, with: "") }
        return rest.unicodeScalars.filter { "<>&\"'".unicodeScalars.contains($0) }
    }

    /// Decodes what ``Snippet/escapeHTML(_:)`` writes, to check that nothing was lost.
    static func unescape(_ html: String) -> String {
        [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")]
            .reduce(html) { $0.replacingScalars(of: $1.0, with: $1.1) }
    }

    @Test("the reported bypass: a < after U+0600 and a > before U+0301 are escaped")
    func graphemeBypass() {
        let body = "字素绕过 \u{0600}<img src=x onerror=alert(1)>\u{0301} 结束。"
        // Swift sees the fused clusters as other Characters than "<" and ">": this is what defeated the old escaper.
        #expect(!body.contains(where: { $0 == "<" || $0 == ">" }))
        let html = Snippet.escapeHTML(Substring(body))
        #expect(!html.unicodeScalars.contains("<") && !html.unicodeScalars.contains(">"))
        let tag = "&lt;img src=x onerror=alert(1)&gt;"
        #expect(html.replacingScalars(of: tag, with: "").unicodeScalars.count == html.unicodeScalars.count - tag.unicodeScalars.count)
        #expect(Self.unescape(html) == body)
    }

    @Test("random Unicode: no markup survives outside <mark>, and unescaping gives the text back, marks and all")
    func randomUnicode() throws {
        var generator = SeededGenerator(state: 0x5EED_0E5C)
        let patterns = [PhrasePattern(["字素"]), PhrasePattern(["x"])]
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...40, using: &generator)
            var scalars = String.UnicodeScalarView()
            for _ in 0..<length { scalars.append(Self.palette.randomElement(using: &generator)!) }
            let text = String(scalars)
            let snippet = Highlighter.snippet(of: text, patterns: patterns, length: 24)
            let html = snippet.html
            #expect(Self.foreignMarkup(in: html).isEmpty, "text \(text.unicodeScalars.map { String($0.value, radix: 16) }) gave \(html)")
            var stripped = Array(html.replacingScalars(of: "<mark>", with: "").replacingScalars(of: "</mark>", with: "").unicodeScalars)
            if snippet.isCutAtStart { stripped.removeFirst() }
            if snippet.isCutAtEnd { stripped.removeLast() }
            #expect(Array(Self.unescape(String(String.UnicodeScalarView(stripped))).unicodeScalars) == Array(snippet.text.unicodeScalars))
            // What the command line and MCP show: the same text with other marks, nothing left escaped.
            #expect(Array(Snippet.plainText(ofHTML: html, open: "[", close: "]").unicodeScalars)
                    == Array(snippet.marked(open: "[", close: "]").unicodeScalars))
        }
    }

    @Test("text decoded from JSON escapes, surrogate pairs included, is escaped the same way")
    func jsonEscapes() throws {
        let json = #"{"t": "\u0600\u003cscript\u003e\ud83d\ude00\u0301\u003e\u0027\u0022\u0026"}"#
        let text = try JSONDecoder().decode([String: String].self, from: Data(json.utf8))["t"]!
        let html = Snippet.escapeHTML(Substring(text))
        #expect(Self.foreignMarkup(in: html).isEmpty, "\(html)")
        #expect(html == "\u{0600}&lt;script&gt;\u{1F600}\u{0301}&gt;&#39;&quot;&amp;")
        // A lone surrogate cannot be text at all: the reader refuses it rather than passing it on.
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode([String: String].self, from: Data(#"{"t": "\ud800<"}"#.utf8))
        }
    }
}
