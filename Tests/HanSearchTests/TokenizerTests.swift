import Foundation
import Testing
@testable import HanSearch

/// Renders tokens compactly: `term@position`, with `~` marking a unigram indexed without position.
private func rendered(_ text: String) -> [String] {
    Tokenizer.tokens(text).map(\.description)
}

private func terms(_ text: String, kind: Token.Kind) -> [String] {
    Tokenizer.tokens(text).filter { $0.kind == kind }.map(\.term)
}

@Suite("Normalizer")
struct NormalizerTests {
    @Test("full-width letters, digits and punctuation become ASCII, letters are lowercased")
    func fullWidth() {
        #expect(Normalizer.normalize("ＡＢＣ１２３，（测试）！") == "abc123,(测试)!")
        #expect(Normalizer.normalize("HanSearch ÉCOLE") == "hansearch école")
        #expect(Normalizer.normalize("\u{3000}") == " ")
    }

    @Test("compatibility ideographs and compatibility characters fold as NFKC does")
    func compatibility() {
        #expect(Normalizer.normalize("\u{F900}") == "\u{8C48}")   // 豈 compatibility → unified
        #expect(Normalizer.normalize("①") == "1")
        #expect(Normalizer.normalize("ｶﾞ") == "ガ")                // half-width katakana with voicing mark
        #expect(Normalizer.normalize("…") == "...")
        #expect(Normalizer.normalize("ﬁ") == "fi")
    }

    @Test("a base letter and a combining mark compose, as in NFKC")
    func combining() {
        #expect(Normalizer.normalize("e\u{301}") == "é")
        #expect(Normalizer.normalize("E\u{301}x") == "éx")
        #expect(Normalizer.normalize("か\u{3099}") == "が")
    }

    @Test("no scalar of the fast path is a combining mark, so skipping its property lookup changes nothing")
    func stableScalarsDoNotCombine() {
        let stable = (0...0x323AF).compactMap(Unicode.Scalar.init).filter(Normalizer.isStable)
        #expect(stable.count > 90_000)
        let combining = stable.filter { $0.properties.canonicalCombiningClass != .notReordered || $0.properties.isGraphemeExtend }
        #expect(combining.isEmpty, "\(combining.map { "U+" + String($0.value, radix: 16, uppercase: true) })")
        #expect(Normalizer.isCombining("\u{301}") && Normalizer.isCombining("\u{3099}") && Normalizer.isCombining("\u{11A8}"))
        #expect(Normalizer.normalize("漢\u{301}字") == "漢\u{301}字".precomposedStringWithCompatibilityMapping)
    }

    @Test("every normalized scalar maps back to the original bytes it came from")
    func offsets() {
        let text = "Ａ科①é"
        var ranges: [Range<Int>] = []
        Normalizer.forEachScalar(in: text) { _, start, end in ranges.append(start..<end) }
        // Ａ is 3 bytes, 科 3 bytes, ① 3 bytes, é 2 bytes.
        #expect(ranges == [0..<3, 3..<6, 6..<9, 9..<11])
    }
}

@Suite("Tokenizer")
struct TokenizerTests {
    @Test("a CJK run yields overlapping bigrams at the position of their first character")
    func bigrams() {
        #expect(terms("科技服务业", kind: .bigram) == ["科技", "技服", "服务", "务业"])
        let positions = Tokenizer.tokens("科技服务业").filter { $0.kind == .bigram }.map(\.position)
        #expect(positions == [1, 2, 3, 4])
    }

    @Test("every character is a unigram; only the first and last of a run keep their position")
    func unigrams() {
        #expect(rendered("科技服") == ["科@1", "科技@1", "技@2~", "技服@2", "服@3"])
        #expect(rendered("年") == ["年@1"])
        let unigrams = Tokenizer.tokens("宁波市科技局").filter { $0.kind == .unigram }
        #expect(unigrams.map(\.term) == ["宁", "波", "市", "科", "技", "局"])
        #expect(unigrams.map(\.isPositional) == [true, false, false, false, false, true])
    }

    @Test("kana, hangul and CJK extension ideographs are CJK runs")
    func otherScripts() {
        #expect(terms("ひらがな", kind: .bigram) == ["ひら", "らが", "がな"])
        #expect(terms("カタカナ", kind: .bigram) == ["カタ", "タカ", "カナ"])
        #expect(terms("한국어", kind: .bigram) == ["한국", "국어"])
        #expect(terms("𠀀𠀁", kind: .bigram) == ["𠀀𠀁"])           // Extension B
        #expect(terms("㐀㐁", kind: .bigram) == ["㐀㐁"])           // Extension A
        #expect(terms("豈更", kind: .bigram) == ["豈更"])           // compatibility ideographs, folded
    }

    @Test("letters and digits yield lowercased words; decimals stay whole; 60% yields 60")
    func words() {
        #expect(terms("Debian GNU/Linux 12", kind: .word) == ["debian", "gnu", "linux", "12"])
        #expect(terms("规模达445.4亿元", kind: .word) == ["445.4"])
        #expect(terms("增速29%，近60%。", kind: .word) == ["29", "60"])
        #expect(terms("version 2.100.", kind: .word) == ["version", "2.100"])
        #expect(terms("A.1. Debian", kind: .word) == ["a", "1", "debian"])
        #expect(terms("ＧＰＵ１２３", kind: .word) == ["gpu123"])
    }

    @Test("positions continue across script changes and whitespace")
    func mixedScripts() {
        #expect(rendered("2021年") == ["2021@1", "年@2"])
        #expect(rendered("2021 年") == ["2021@1", "年@2"])
        #expect(rendered("AI芯片") == ["ai@1", "芯@2", "芯片@2", "片@3"])
        #expect(rendered("芯片AI") == ["芯@1", "芯片@1", "片@2", "ai@3"])
    }

    @Test("whitespace and line breaks between two CJK characters are removed (PDF extraction)")
    func pdfSpaces() {
        #expect(terms("科技服 务业", kind: .bigram) == terms("科技服务业", kind: .bigram))
        #expect(terms("科技服\n务业", kind: .bigram) == terms("科技服务业", kind: .bigram))
        #expect(rendered("宁波 市") == rendered("宁波市"))
    }

    @Test("punctuation and symbols leave a position gap and end the run")
    func punctuationGap() {
        let tokens = Tokenizer.tokens("设置参数，文件名")
        #expect(!tokens.contains { $0.term == "数文" })
        let positions = Dictionary(tokens.map { ($0.term, $0.position) }, uniquingKeysWith: { a, _ in a })
        #expect(positions["参数"] == 3)
        #expect(positions["文件"] == 6)   // 数 is at 4, the comma leaves 5 empty
        #expect(rendered("a，b") == ["a@1", "b@3"])
        #expect(rendered("年。月") == ["年@1", "月@3"])
        #expect(rendered("a😀b") == ["a@1", "b@3"])
    }

    @Test("several punctuation marks in a row leave a single gap")
    func gapIsSingle() {
        #expect(rendered("甲……“乙") == ["甲@1", "乙@3"])
    }

    @Test("tokens map back to the original text, also through full-width forms")
    func sourceRanges() {
        let text = "ＡＩ芯片，科技"
        let utf8 = Array(text.utf8)
        for token in Tokenizer.tokens(text) {
            let original = String(decoding: utf8[token.sourceRange], as: UTF8.self)
            #expect(Normalizer.normalize(original).replacingOccurrences(of: " ", with: "") == token.term)
        }
    }

    @Test("overlong words are cut at a character boundary")
    func longWords() {
        let long = String(repeating: "é", count: 200)
        let term = terms(long, kind: .word)[0]
        #expect(term.utf8.count <= Tokenizer.maximumWordLength)
        #expect(term.unicodeScalars.allSatisfy { $0 == "é" })
    }

    @Test("empty and punctuation-only text yields no tokens")
    func empty() {
        #expect(Tokenizer.tokens("").isEmpty)
        #expect(Tokenizer.tokens("，。！？、  \n").isEmpty)
    }

    @Test("emoji, combining marks and right-to-left text do not crash and tokenize sensibly")
    func unusualText() {
        #expect(terms("שלום עולם", kind: .word) == ["שלום", "עולם"])
        #expect(terms("cafe\u{301}", kind: .word) == ["café"])
        #expect(terms("👍🏽科技", kind: .bigram) == ["科技"])
    }
}

@Suite("Phrase patterns")
struct PhrasePatternTests {
    private func patterns(_ text: String) -> [[String]] {
        PhrasePattern.patterns(for: text).map(\.terms)
    }

    @Test("a CJK run becomes its bigrams")
    func run() {
        #expect(patterns("科技服务业") == [["科技", "技服", "服务", "务业"]])
        #expect(patterns("科技") == [["科技"]])
    }

    @Test("a single character becomes its unigram")
    func single() {
        #expect(patterns("年") == [["年"]])
    }

    @Test("a run followed by a word keeps its last character, so positions stay consecutive")
    func mixed() {
        #expect(patterns("芯片AI") == [["芯片", "片", "ai"]])
        #expect(patterns("AI芯片") == [["ai", "芯片"]])
        #expect(patterns("2021年") == [["2021", "年"]])
        #expect(patterns("年2021") == [["年", "2021"]])
        #expect(patterns("第3季度") == [["第", "3", "季度"]])
    }

    @Test("punctuation splits a part into stretches")
    func punctuation() {
        #expect(patterns("设置参数，文件名") == [["设置", "置参", "参数"], ["文件", "件名"]])
        #expect(patterns("2023-02-04") == [["2023"], ["02"], ["04"]])
        #expect(patterns("，。").isEmpty)
    }

    @Test("patterns cover the same terms the tokenizer indexes, in position order")
    func consistentWithTokenizer() {
        let text = "宁波2021年科技服务业营业收入445.4亿元"
        let pattern = PhrasePattern.patterns(for: text)
        #expect(pattern.count == 1)
        let indexed = Set(Tokenizer.tokens(text).map(\.term))
        #expect(pattern[0].terms.allSatisfy(indexed.contains))
    }
}
