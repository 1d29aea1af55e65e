import ArgumentParser
import Foundation
import HanSearch

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the documents in the index: id, title, segments, date and source.",
        discussion: """
            Documents come in index order (by the first of their segments stored), so --offset and --limit \
            page through them in a stable order while the index does not change.
            --json prints {"total", "documents": [{"id", "title", "segments", "date"?, "source"?}]}; total \
            counts every document in the index.
            """
    )

    @OptionGroup var location: IndexLocation

    // Unconditional: a value such as -1 is taken (and refused by validate()), not read as an option.
    @Option(parsing: .unconditional, help: "How many documents to show (default: all; 0: only count them).")
    var limit: Int?

    @Option(parsing: .unconditional, help: "How many documents to skip.")
    var offset = 0

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let limit { try requireCount(limit, "--limit") }
        try requireCount(offset, "--offset")
    }

    func run() throws {
        let list = try location.openSearchIndex().withShardRecovery { try $0.documents(offset: offset, limit: limit) }
        if json {
            print(try jsonString(list))
            return
        }
        let shown = list.documents.isEmpty ? " (none shown)"
            : list.documents.count == list.total ? "" : " (showing \(offset + 1)–\(offset + list.documents.count))"
        print("\(counted(list.total, "document")) in \(location.index)\(list.total == 0 ? "" : shown)")
        for document in list.documents {
            let details = [counted(document.segments, "segment"), document.date, document.source].compactMap { $0 }
            print("\(document.id)  \(document.title.isEmpty ? "(no title)" : document.title)  (\(details.joined(separator: ", ")))")
        }
    }
}
