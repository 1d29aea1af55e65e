import Foundation
internal import CPoppler

/// One word of a PDF page's text layer, positioned in points from the page's top left.
struct PDFWord: Sendable, Equatable {
    var text: String
    var x: Double, y: Double, width: Double, height: Double
    var fontSize: Double
    var spaceAfter: Bool

    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midY: Double { y + height / 2 }
}

/// The words of one page, in poppler's order (which ``PDFLayout`` does not trust for columns).
struct PDFPageText: Sendable {
    var number: Int
    var width: Double
    var height: Double
    var words: [PDFWord]
}

/// Why a PDF cannot be read.
enum PDFFailure: Error, Equatable {
    case damaged(String)
    case encrypted
    case page(String)
}

/// A loaded PDF: the CPoppler handle, freed with the value.
final class PDFFile {
    private let handle: OpaquePointer

    /// Loads `bytes` as a PDF.
    init(bytes: [UInt8]) throws(PDFFailure) {
        var error: UnsafeMutablePointer<hp_error>?
        let loaded = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                hp_document_load($0, buffer.count, &error)
            }
        }
        guard let loaded else {
            let (kind, message) = PDFFile.take(error)
            throw kind == HP_ERROR_ENCRYPTED ? .encrypted : .damaged(message)
        }
        handle = loaded
    }

    deinit { hp_document_free(handle) }

    var pageCount: Int { Int(hp_document_page_count(handle)) }

    /// The info dictionary's `key` (`Title`, `Author`…), or nil when absent or blank.
    func info(_ key: String) -> String? {
        guard let value = hp_document_info(handle, key) else { return nil }
        defer { hp_string_free(value) }
        let text = String(cString: value).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The info dictionary's date `key` as `YYYY-MM-DD` (UTC), or nil.
    func infoDate(_ key: String) -> String? {
        let seconds = hp_document_info_date(handle, key)
        guard seconds >= 0 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// The words of page `number` (from 1).
    func page(_ number: Int) throws(PDFFailure) -> PDFPageText {
        var error: UnsafeMutablePointer<hp_error>?
        guard let text = hp_page_text_load(handle, Int32(number - 1), &error) else {
            throw .page(PDFFile.take(error).message)
        }
        defer { hp_page_text_free(text) }
        var words: [PDFWord] = []
        let count = hp_page_text_word_count(text)
        words.reserveCapacity(count)
        for index in 0..<count {
            let word = hp_page_text_word(text, index)!.pointee
            let string = String(cString: word.text)
            guard !string.allSatisfy(\.isWhitespace) else { continue }
            words.append(PDFWord(text: string, x: word.x, y: word.y, width: word.width, height: word.height,
                                 fontSize: word.font_size > 0 ? word.font_size : word.height,
                                 spaceAfter: word.space_after != 0))
        }
        return PDFPageText(number: number, width: hp_page_text_width(text), height: hp_page_text_height(text),
                           words: words)
    }

    /// The kind and message of `error`, which is freed.
    private static func take(_ error: UnsafeMutablePointer<hp_error>?) -> (kind: hp_error_kind, message: String) {
        guard let error else { return (HP_ERROR_INTERNAL, "unknown error") }
        defer { hp_error_free(error) }
        return (error.pointee.kind, error.pointee.message.map { String(cString: $0) } ?? "unknown error")
    }
}
