import ArgumentParser
import Foundation
import HanSearch

extension DocumentKind: ExpressibleByArgument {}

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Show how a newspaper page (a .txt or .pdf file), a PDF report or an HTML page is split into segments.",
        discussion: "Prints what `hanindex index` would index for the file: articles with title, authors and "
            + "sections, and each segment with its kind (and its page, for a PDF); for a PDF read as a report, its "
            + "title, authors, date and paragraphs. Nothing is written."
    )

    @Argument(help: "A text file extracted from a newspaper page, a PDF or an HTML file.")
    var file: String

    @Option(help: "For a PDF: auto (a one-page PDF with a byline under a title is a newspaper page), page or report.")
    var kind: DocumentKind = .automatic

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let format = CorpusReader.format(ofPath: file).flatMap { [.pdf, .html].contains($0) ? $0 : nil } ?? .text
        var reader = CorpusReader()
        reader.documentKind = kind
        var read: ReadItem?
        reader.read(InputFile(path: file, relativePath: (file as NSString).lastPathComponent, size: size,
                              format: format)) { item in
            read = item
            return true
        }
        switch read {
        case .page(let page, _, _)?: try print(page)
        case .report(let report, _)?: try print(report)
        case .problem(let problem)?: throw fail("\(problem)")
        case nil: throw fail("\(file): nothing to parse")
        }
    }

    private func print(_ page: Page) throws {
        if json {
            Swift.print(try jsonString(page, pretty: true))
            return
        }
        if let banner = page.banner { Swift.print("banner: \(banner)") }
        for (number, article) in page.articles.enumerated() {
            Swift.print("\narticle \(number + 1): \(article.title.isEmpty ? "(no title)" : article.title)")
            Swift.print("  authors:  \(article.authors.isEmpty ? "(none)" : article.authors.joined(separator: ", "))")
            Swift.print("  sections: \(article.sections.isEmpty ? "(none)" : article.sections.joined(separator: " | "))")
            for (index, segment) in article.segments.enumerated() {
                Swift.print("  \(index + 1). [\(segment.kind.rawValue)]\(pageLabel(segment.page)) \(segment.text)")
            }
        }
    }

    private func print(_ report: Report) throws {
        if json {
            Swift.print(try jsonString(report, pretty: true))
            return
        }
        Swift.print("report: \(report.title)")
        Swift.print("  authors: \(report.authors?.joined(separator: ", ") ?? "(none)")")
        Swift.print("  date:    \(report.date ?? "(none)")")
        let pages = report.pages ?? []
        for (index, paragraph) in report.body.split(separator: "\n").enumerated() {
            Swift.print("  \(index + 1).\(pageLabel(index < pages.count ? pages[index] : nil)) \(paragraph)")
        }
    }
}

/// ` (p. N)` for a segment from page N of a PDF, empty otherwise.
func pageLabel(_ page: Int?) -> String {
    page.map { " (p. \($0))" } ?? ""
}
