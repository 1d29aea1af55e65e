extension String {
    /// This text with every `target` replaced, comparing Unicode scalars: `replacingOccurrences` compares
    /// grapheme clusters, and `&amp;` or `</mark>` followed by a combining mark is not that cluster sequence.
    public func replacingScalars(of target: String, with replacement: String) -> String {
        let scalars = Array(unicodeScalars), pattern = Array(target.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if !pattern.isEmpty && scalars[index...].starts(with: pattern) {
                result.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }
}
