import ArgumentParser
import Foundation
import HanSearch

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show documents, segments, terms and size on disk."
    )

    @OptionGroup var location: IndexLocation

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let stats: IndexStats
        do {
            stats = try SearchIndex(path: location.index).stats()
        } catch {
            throw fail("\(error)")
        }
        if json {
            print(try jsonString(stats))
            return
        }
        print("""
            index:       \(location.index)
            documents:   \(stats.documents)
            segments:    \(stats.segments)
            terms:       \(stats.terms)
            size:        \(megabytes(stats.sizeBytes))
            last commit: \(stats.lastCommit ?? "never")
            analyzer:    \(stats.analyzer)
            """)
    }
}
