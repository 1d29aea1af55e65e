import ArgumentParser
import Foundation
import HanSearch

/// The `--synonyms FILE` option of the commands that parse queries.
struct SynonymOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The synonym file (default: synonyms.txt in the index folder, if present).", valueName: "FILE"))
    var synonyms: String?

    /// The file to read for the index at `index`; nil for a shard list without `--synonyms`.
    func file(index: String) -> SynonymFile? {
        SynonymFile.resolve(explicit: synonyms, index: index)
    }

    /// The synonyms for the index at `index`; a broken file exits with status 2 and its error.
    func table(index: String) throws -> SynonymTable {
        do {
            return try file(index: index)?.load() ?? .empty
        } catch {
            throw fail("synonyms: \(error)", code: 2)
        }
    }
}

struct SynonymsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synonyms",
        abstract: "Show the synonym groups that searches use, and how a query expands.",
        discussion: """
            The file holds one group per line, members separated by spaces (甬 宁波); # starts a comment. \
            An unquoted query part also matches its text with any member replaced by another member of its \
            group; "quoted" parts never do. Groups sharing a member are merged. hanserve reloads the file \
            when it changes or on SIGHUP.
            """)

    @OptionGroup var location: IndexLocation

    @OptionGroup var synonymOption: SynonymOption

    @OptionGroup var query: QueryWords

    func run() throws {
        guard let file = synonymOption.file(index: location.index) else {
            print("no synonym file: \(location.index) is a shard list; name one with --synonyms FILE")
            return
        }
        let table = try synonymOption.table(index: location.index)
        if file.stamp() == nil {
            print("no synonym file at \(file.path): searches use no synonyms")
        } else {
            print("\(file.path): \(counted(table.groups.count, "group"))")
            for group in table.groups { print("  " + group.joined(separator: " ")) }
        }
        guard !query.words.isEmpty else { return }
        let text = query.text
        let parsed: ParsedQuery
        do {
            parsed = try QueryParser(synonyms: table).parse(text)
        } catch {
            throw fail("bad query: \(error)", code: 2)
        }
        print("\(text) searches for:")
        for group in parsed.required { print("  " + group.map(shown).joined(separator: " OR ")) }
        for part in parsed.excluded { print("  not " + shown(part)) }
    }

    /// A part as the query language writes it.
    private func shown(_ part: QueryPart) -> String {
        (part.field == .title ? "title:" : "") + (part.isQuoted ? "\"\(part.text)\"" : part.text)
    }
}
