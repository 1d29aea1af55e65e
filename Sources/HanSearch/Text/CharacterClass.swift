/// How the tokenizer sees one Unicode scalar (after normalization).
public enum CharacterClass: Sendable, Equatable {
    /// A CJK ideograph, kana or hangul syllable: indexed as overlapping bigrams.
    case cjk
    /// A letter, digit or combining mark outside CJK: part of a word.
    case word
    /// Whitespace: separates words, but joins nothing and leaves no position gap.
    case space
    /// Punctuation, symbols, controls and anything else: breaks tokens and leaves a position gap.
    case other

    /// Classifies `scalar`. ASCII and the main CJK blocks are decided without a Unicode property lookup.
    @inline(__always)
    public init(_ scalar: Unicode.Scalar) {
        let v = scalar.value
        if v < 0x80 {
            switch v {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: self = .word
            case 0x09...0x0D, 0x20: self = .space
            default: self = .other
            }
            return
        }
        if CharacterClass.isCJK(v) {
            self = .cjk
            return
        }
        let properties = scalar.properties
        if properties.isWhitespace {
            self = .space
            return
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber,
             .nonspacingMark, .spacingMark, .enclosingMark:
            self = .word
        default:
            self = .other
        }
    }

    /// True for CJK ideographs (all Unified Ideographs blocks and extensions, compatibility ideographs,
    /// radicals), the iteration marks 々〆〇, hiragana, katakana and hangul.
    @inline(__always)
    public static func isCJK(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF,   // CJK Unified Ideographs
             0x3400...0x4DBF,   // Extension A
             0x20000...0x2A6DF, // Extension B
             0x2A700...0x2EE5F, // Extensions C, D, E, F, I
             0x30000...0x323AF, // Extensions G, H
             0xF900...0xFAFF,   // Compatibility Ideographs
             0x2F800...0x2FA1F, // Compatibility Ideographs Supplement
             0x2E80...0x2FDF,   // Radicals Supplement, Kangxi Radicals
             0x3005...0x3007,   // 々 〆 〇
             0x3021...0x3029,   // Hangzhou numerals
             0x3038...0x303B,
             0x3041...0x3096, 0x309D...0x309F, // Hiragana (without the combining voicing marks)
             0x30A1...0x30FA, 0x30FC...0x30FF, // Katakana (30FB ・ is punctuation)
             0x31F0...0x31FF,   // Katakana Phonetic Extensions
             0x1100...0x11FF,   // Hangul Jamo
             0x3131...0x318E,   // Hangul Compatibility Jamo
             0xA960...0xA97F, 0xD7B0...0xD7FF, // Hangul Jamo Extended
             0xAC00...0xD7A3,   // Hangul Syllables
             0x1B000...0x1B16F: // Kana Supplement, Extended-A
            return true
        default:
            return false
        }
    }
}
