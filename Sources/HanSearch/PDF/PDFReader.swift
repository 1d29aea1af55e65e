import Foundation

/// What a PDF (or HTML file) holds: a newspaper page, whose articles ``PageParser`` finds, or one report.
public enum DocumentKind: String, Sendable, CaseIterable, Codable {
    /// A one-page PDF whose text has a byline under a title is a newspaper page; anything else a report.
    case automatic = "auto"
    /// A newspaper page: articles `<file>/<n>` with authors, sections, captions and credits.
    case page
    /// One report `<file>`, a segment per paragraph.
    case report
}

/// Reads the text layer of a PDF into a newspaper page or a report, page by page, refusing whole the PDFs
/// that cannot be read completely (see ``read(_:id:)``).
struct PDFReader: Sendable {
    /// PDFs with more pages are refused.
    var maximumPages: Int
    /// Newspaper page, report, or chosen from the text.
    var kind: DocumentKind

    /// The page or report in `bytes`, ids from `id` (the file's relative path), or why there is none.
    func read(_ bytes: [UInt8], id: String) -> Result<PDFContent, PDFProblem> {
        // Checked first: poppler reconstructs truncated files and would give part of the text.
        guard PDFReader.contains(Array("%PDF-".utf8), in: bytes.prefix(1024)) else { return .failure(.notPDF) }
        guard PDFReader.contains(Array("%%EOF".utf8), in: bytes.suffix(1024)) else { return .failure(.truncated) }
        let file: PDFFile
        do {
            file = try PDFFile(bytes: bytes)
        } catch {
            return .failure(PDFProblem(error))
        }
        let count = file.pageCount
        guard count > 0 else { return .failure(.damaged("it has no pages")) }
        guard count <= maximumPages else { return .failure(.tooManyPages(count, limit: maximumPages)) }
        var pages: [PDFPageText] = []
        for number in 1...count {
            do {
                pages.append(try file.page(number))
            } catch {
                return .failure(PDFProblem(error))
            }
        }
        guard pages.contains(where: { !$0.words.isEmpty }) else { return .failure(.noText(pages: count)) }
        let blocks = PDFLayout().blocks(of: pages)
        guard !blocks.isEmpty else { return .failure(.onlyFurniture) }
        let info = PDFInfo(title: file.info("Title"), authors: PDFReader.names(file.info("Author")),
                           date: file.infoDate("CreationDate"))
        if kind != .report && count == 1 || kind == .page {
            let page = PageParser().parse(blocks)
            if kind == .page || page.articles.contains(where: { !$0.authors.isEmpty }) {
                return .success(.page(page))
            }
        }
        return .success(.report(PDFReader.report(blocks, id: id, info: info)))
    }

    /// One report: the info title (or a short first block set larger than the text, or the id), the info
    /// authors and date, and a paragraph per block, blocks that continue a paragraph across a column or page
    /// joined to it.
    static func report(_ blocks: [PDFBlock], id: String, info: PDFInfo) -> Report {
        var blocks = blocks
        let bodySize = median(blocks.map(\.fontSize))
        var title = info.title
        if let first = blocks.first, first.text.count <= PageParser().maxLabelLength,
           first.fontSize > bodySize + 0.5 || first.text == title {
            title = title ?? first.text
            blocks.removeFirst()
        }
        var paragraphs: [(text: String, page: Int, fontSize: Double)] = []
        for block in blocks {
            if block.mayContinue, let last = paragraphs.last, abs(last.fontSize - block.fontSize) <= 0.5,
               !PageTextRules.endsSentence(last.text) {
                paragraphs[paragraphs.count - 1].text = PageTextRules.joining(last.text, block.text)
            } else {
                paragraphs.append((block.text, block.page, block.fontSize))
            }
        }
        return Report(id: id, title: title ?? id, body: paragraphs.map(\.text).joined(separator: "\n"),
                      date: info.date, authors: info.authors, pages: paragraphs.map(\.page))
    }

    /// The names in an info `Author` entry: split at commas, semicolons and the ideographic comma.
    static func names(_ text: String?) -> [String]? {
        guard let text else { return nil }
        let names = text.split(whereSeparator: { ",;，；、".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return names.isEmpty ? nil : names
    }

    private static func contains(_ needle: [UInt8], in haystack: some Collection<UInt8>) -> Bool {
        let bytes = Array(haystack)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// The info dictionary entries a report takes.
struct PDFInfo: Sendable {
    var title: String?
    var authors: [String]?
    var date: String?
}

/// What a readable PDF holds.
enum PDFContent: Sendable {
    case page(Page)
    case report(Report)
}

/// Why a PDF is refused; the description is the message printed after the file name.
enum PDFProblem: Error, Equatable, CustomStringConvertible {
    case notPDF
    case truncated
    case damaged(String)
    case encrypted
    case unreadablePage(String)
    case tooManyPages(Int, limit: Int)
    case noText(pages: Int)
    case onlyFurniture

    init(_ failure: PDFFailure) {
        switch failure {
        case .damaged(let message): self = .damaged(message)
        case .encrypted: self = .encrypted
        case .page(let message): self = .unreadablePage(message)
        }
    }

    var description: String {
        switch self {
        case .notPDF: return "not a PDF (it does not start with %PDF-); nothing is indexed"
        case .truncated: return "the PDF is truncated (it does not end with %%EOF); nothing is indexed"
        case .damaged(let message): return "the PDF is damaged: \(message); nothing is indexed"
        case .encrypted:
            return "the PDF is encrypted with a password; decrypt it first (e.g. qpdf --decrypt --password=… in out.pdf); nothing is indexed"
        case .unreadablePage(let message): return "the PDF is damaged: \(message); nothing is indexed"
        case .tooManyPages(let count, let limit):
            return "the PDF has \(count) pages; the limit is \(limit); nothing is indexed"
        case .noText(let pages):
            return "the PDF has no text layer (\(pages) page\(pages == 1 ? "" : "s") of images only: a scan?); "
                + "HanSearch does not do OCR, so nothing is indexed"
        case .onlyFurniture: return "the PDF holds only running headers, footers and page numbers; nothing to index"
        }
    }
}
