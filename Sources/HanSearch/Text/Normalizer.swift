import Foundation

/// Text normalization shared by documents and queries: Unicode NFKC followed by lowercasing.
///
/// Full-width ＡＢＣ１２３ and full-width punctuation become ASCII, compatibility ideographs become
/// their unified forms, and letters are folded to lower case. Every normalized scalar remembers the
/// UTF-8 range of the original text it came from, so that highlights can mark the original characters.
///
/// Normalization runs scalar by scalar with a fast path for ASCII, the main CJK blocks and common CJK
/// punctuation (which NFKC leaves alone); everything else is normalized together with the combining
/// marks that follow it (so that e + ◌́ composes to é, as NFKC does), through Foundation.
public enum Normalizer {
    /// Bumped whenever the output of ``forEachScalar(in:_:)`` changes for some input.
    public static let version = 1

    /// Calls `body` with each normalized scalar and the UTF-8 byte range `start..<end` of the original
    /// text that produced it.
    @inlinable
    public static func forEachScalar(in text: String, _ body: (Unicode.Scalar, Int, Int) -> Void) {
        var offset = 0
        var cluster: [Unicode.Scalar] = []
        var clusterStart = 0
        var iterator = text.unicodeScalars.makeIterator()
        var current = iterator.next()
        while let scalar = current {
            let next = iterator.next()
            let width = UTF8.width(scalar)
            if cluster.isEmpty, isStable(scalar), next.map(isCombining) != true {
                body(fastFold(scalar), offset, offset + width)
            } else {
                if cluster.isEmpty { clusterStart = offset }
                cluster.append(scalar)
                if next.map(isCombining) != true {
                    for folded in slowFold(cluster) { body(folded, clusterStart, offset + width) }
                    cluster.removeAll(keepingCapacity: true)
                }
            }
            offset += width
            current = next
        }
    }

    /// The normalized form of `text` as a string (no offsets).
    public static func normalize(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        forEachScalar(in: text) { scalar, _, _ in output.append(scalar) }
        return String(output)
    }

    /// Scalars that NFKC and lowercasing map to a single known scalar and that never compose with
    /// a neighbour: ASCII, the main ideograph blocks, kana, hangul syllables, full-width forms and
    /// the common CJK punctuation.
    @inlinable
    static func isStable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x7F,
             0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2EE5F, 0x30000...0x323AF,
             0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FE,
             0xAC00...0xD7A3,
             0x3000...0x3003, 0x3005...0x3007, 0x3008...0x3011, 0x3014...0x301F,
             0xFF01...0xFF5E,
             0x00B7, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022:
            return true
        default:
            return false
        }
    }

    /// The fold of a stable scalar: ASCII lowercased, full-width forms mapped to ASCII, the
    /// ideographic space to a space; everything else in the stable set is its own fold.
    @inlinable
    static func fastFold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        var value = scalar.value
        if value >= 0xFF01 && value <= 0xFF5E {
            value -= 0xFEE0
        } else if value == 0x3000 {
            value = 0x20
        }
        if value >= 0x41 && value <= 0x5A { value += 0x20 }
        return Unicode.Scalar(value)!
    }

    /// Marks and jamo that NFKC may compose with the scalar before them.
    @inlinable
    static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
        // Asked of the scalar after every CJK character: the property lookups are the slow part.
        if scalar.value < 0x300 || isStable(scalar) { return false }
        switch scalar.value {
        case 0x1160...0x11FF, 0x3099, 0x309A: return true
        default:
            let properties = scalar.properties
            return properties.canonicalCombiningClass != .notReordered || properties.isGraphemeExtend
        }
    }

    /// NFKC and lowercasing of one base scalar with its combining marks, through Foundation.
    @usableFromInline
    static func slowFold(_ cluster: [Unicode.Scalar]) -> String.UnicodeScalarView {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: cluster)
        return String(view).precomposedStringWithCompatibilityMapping.lowercased()
            .precomposedStringWithCompatibilityMapping.unicodeScalars
    }
}
