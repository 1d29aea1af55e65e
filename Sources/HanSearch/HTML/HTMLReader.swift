import Foundation
internal import CHTML

/// Reads an HTML file into one report with libxml2's HTML parser: the title from `<title>` (else the
/// first `<h1>`, else the id), a paragraph per block element (`p`, `li`, `td`, `div`, headings…), no text
/// from `script`, `style`, `nav` and the like, entities decoded, whitespace normalized as ``PageParser`` does.
enum HTMLReader {
    /// The report in `bytes` with id `id`, or why there is none.
    static func read(_ bytes: [UInt8], id: String) -> Result<Report, HTMLProblem> {
        // Without a declared charset libxml2 assumes Latin-1; the corpus is UTF-8.
        let head = String(decoding: bytes.prefix(2048), as: UTF8.self).lowercased()
        let encoding: String? = head.contains("charset") || head.hasPrefix("<?xml") ? nil : "UTF-8"
        var message: UnsafeMutablePointer<CChar>?
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                hh_parse($0, buffer.count, encoding, &message)
            }
        }
        guard let parsed else {
            defer { free(message) }
            return .failure(.unreadable(message.map { String(cString: $0) } ?? "unknown error"))
        }
        defer { hh_document_free(parsed) }
        var title: String?, firstHeading: String?
        var paragraphs: [String] = []
        for index in 0..<hh_block_count(parsed) {
            let block = hh_block_at(parsed, index)!.pointee
            let text = PageTextRules.normalizingSpaces(String(cString: block.text))
            guard !text.isEmpty else { continue }
            switch block.kind {
            case HH_TITLE: title = title ?? text
            case HH_H1:
                firstHeading = firstHeading ?? text
                paragraphs.append(text)
            default: paragraphs.append(text)
            }
        }
        let chosen = title ?? firstHeading ?? id
        // The heading that repeats the title is not a paragraph of its own.
        if let first = paragraphs.first, first == chosen { paragraphs.removeFirst() }
        guard !paragraphs.isEmpty else { return .failure(.noText) }
        return .success(Report(id: id, title: chosen, body: paragraphs.joined(separator: "\n")))
    }
}

/// Why an HTML file is refused.
enum HTMLProblem: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case noText

    var description: String {
        switch self {
        case .unreadable(let message): return "cannot read the HTML: \(message); nothing is indexed"
        case .noText: return "the HTML holds no text outside its title, scripts and styles; nothing to index"
        }
    }
}
