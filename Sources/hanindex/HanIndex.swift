import ArgumentParser
import Foundation
import HanSearch

@main
struct HanIndex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hanindex",
        abstract: "Index Chinese articles and reports, and search them exactly.",
        discussion: """
            Reports come from JSON Lines files (one {"id", "title", "body", "date"?, "source"?, "authors"?} \
            per line) and plain .txt files in corpus/ by default; the index lives in index/ by default.
            A Chinese query finds exactly the segments that contain it.
            """,
        subcommands: [IndexCommand.self, SearchCommand.self, ShowCommand.self, ParseCommand.self, StatsCommand.self,
                      SynonymsCommand.self, WatchCommand.self]
    )

    static func main() {
        // A write to a remote shard whose connection closed must fail with an error (see RemoteTimeouts),
        // not end the process.
        signal(SIGPIPE, SIG_IGN)
        main(nil)
    }
}

/// The `--index DIR` option shared by every subcommand.
struct IndexLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The index folder, or shards: DIR,DIR,tcp://HOST:PORT,... or @FILE (one shard per line).",
        valueName: "DIR"))
    var index = "index"

    @Option(name: .long, help: ArgumentHelp("Timeout for remote shards, in milliseconds.", valueName: "MS"))
    var shardTimeout: UInt32 = 10_000
}

/// Exits with a message on stderr.
func fail(_ message: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data("hanindex: \(message)\n".utf8))
    return ExitCode(code)
}

/// Writes one line to stderr.
func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// `12.3 MB`
func megabytes(_ bytes: Int) -> String {
    String(format: "%.1f MB", Double(bytes) / 1_000_000)
}

/// A JSON encoder for the CLI's output: sorted keys, slashes as they are.
func jsonString(_ value: some Encodable, pretty: Bool = false) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
