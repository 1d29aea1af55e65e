import ArgumentParser
import Foundation
import HanSearch

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete documents, with all their segments, by id.",
        discussion: """
            IDs are document ids as list and search show them (a segment id without its #n). All the ids \
            are deleted or none: when one is not in the index, it is named and nothing changes.
            A document read from a file comes back when that file is indexed again (by index, or by watch \
            once the file changes); remove it from the file too to keep it out.
            Exit status: 0 when every document was deleted; 1 when an id is not in the index, or when the \
            index cannot be written (missing, locked by another process).
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("The ids of the documents to delete.", valueName: "id"))
    var ids: [String]

    func run() throws {
        var seen = Set<String>()
        let ids = self.ids.filter { seen.insert($0).inserted }
        // Opened for reading first, so that a mistyped --index is reported rather than created.
        _ = try location.openSearchIndex()
        let writer = try location.openWriter(folding: nil)
        defer { try? writer.close() }
        let missing = try ids.filter { try writer.segmentCount(ofDocument: $0) == 0 }
        guard missing.isEmpty else {
            let names = missing.map { "\"\($0)\"" }.joined(separator: ", ")
            throw fail("no document with id \(names) in \(location.index); nothing was deleted")
        }
        let counts = try writer.applyAtomically(ids.map { .delete(documentID: $0) })
        for (id, count) in zip(ids, counts) {
            print("deleted \(id) (\(counted(count, "segment")))")
        }
    }
}
