import ArgumentParser
import Foundation
import HanSearch

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one document or article, reassembled from its segments in reading order.",
        discussion: "ID is a document id as shown by search (the part before #); a segment id works too."
    )

    @OptionGroup var location: IndexLocation

    @Flag(help: "Print the segments as JSON, on one line as search --json does.")
    var json = false

    @Argument(help: "The document id (or a segment id).")
    var id: String

    func run() throws {
        let segments: [Segment]
        do {
            let index = try location.openSearchIndex()
            var found = try index.segments(ofDocument: id)
            if found.isEmpty, let hash = id.lastIndex(of: "#") {
                found = try index.segments(ofDocument: String(id[..<hash]))
            }
            segments = found
        } catch {
            throw fail("\(error)")
        }
        guard let first = segments.first else { throw fail("no document with id \"\(id)\" in \(location.index)") }
        if json {
            print(try jsonString(segments))
            return
        }
        print(first.title)
        let details = [first.authors?.joined(separator: " "), first.date, first.source].compactMap { $0 }
        if !details.isEmpty { print(details.joined(separator: " · ")) }
        print("")
        for segment in segments {
            switch segment.kind {
            case .heading?: print("\n■ \(segment.text)\n")
            case .caption?: print("〔图〕\(segment.text)")
            case .credit?, .banner?: print("（\(segment.kind!.rawValue)）\(segment.text)")
            case .body?, nil: print(segment.text)
            }
        }
    }
}
