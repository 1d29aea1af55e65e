import ArgumentParser
import Foundation
import HanSearch

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Show how a newspaper page (a .txt file) is split into articles and segments.",
        discussion: "Prints what `hanindex index` would index for the file: articles with title, authors and "
            + "sections, and each segment with its kind. Nothing is written."
    )

    @Argument(help: "A text file extracted from a newspaper page.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        var page: Page?
        var problem: InputProblem?
        CorpusReader().read(InputFile(path: file, relativePath: (file as NSString).lastPathComponent, size: size,
                                      format: .text)) { item in
            switch item {
            case .page(let read, _, _): page = read
            case .problem(let found): problem = found
            case .report: break
            }
            return true
        }
        guard let page else { throw fail(problem.map { "\($0)" } ?? "\(file): nothing to parse") }
        if json {
            print(try jsonString(page, pretty: true))
            return
        }
        if let banner = page.banner { print("banner: \(banner)") }
        for (number, article) in page.articles.enumerated() {
            print("\narticle \(number + 1): \(article.title.isEmpty ? "(no title)" : article.title)")
            print("  authors:  \(article.authors.isEmpty ? "(none)" : article.authors.joined(separator: ", "))")
            print("  sections: \(article.sections.isEmpty ? "(none)" : article.sections.joined(separator: " | "))")
            for (index, segment) in article.segments.enumerated() {
                print("  \(index + 1). [\(segment.kind.rawValue)] \(segment.text)")
            }
        }
    }
}
