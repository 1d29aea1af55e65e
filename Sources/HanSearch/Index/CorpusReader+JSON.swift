import Foundation

extension CorpusReader {
    /// Decodes `type` from `data` like `JSONDecoder`, but when the JSON itself is malformed, the error
    /// says what and where (for example "Too many nested arrays or dictionaries around character 2561",
    /// "Unescaped control character around character 7", or a lone UTF-16 surrogate escape such as
    /// `"\ud800"`). On Linux `JSONDecoder` only says "The given data was not valid JSON", which does not
    /// help anyone fix a record; `JSONSerialization` does say, so it is asked for the detail.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            var detail = context.debugDescription
            do {
                _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            } catch {
                if let found = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { detail = found }
            }
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: [], debugDescription: detail))
        }
    }
}

extension InputProblem {
    /// `text` cut to `limit` characters, with control characters and bidirectional-override marks
    /// written as `\u{…}`, so that an id quoted in a message cannot move the cursor, recolour or
    /// reorder a terminal, or hide what it is.
    public static func printable(_ text: some StringProtocol, limit: Int = 80) -> String {
        var result = ""
        for scalar in text.prefix(limit).unicodeScalars {
            let isBidiControl = (0x200E...0x200F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
                || (0x2066...0x2069).contains(scalar.value)
            if scalar.properties.generalCategory == .control || isBidiControl {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return text.count > limit ? result + "…" : result
    }
}
