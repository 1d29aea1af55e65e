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
        subcommands: [IndexCommand.self, SearchCommand.self, ShowCommand.self, ListCommand.self, DeleteCommand.self,
                      ParseCommand.self, StatsCommand.self, RebuildCommand.self, SynonymsCommand.self, WatchCommand.self,
                      MCPCommand.self]
    )

    /// Runs as ArgumentParser does, except that a mistyped subcommand is answered with the nearest one,
    /// and that only usage errors are followed by the usage: an error while running (the index locked,
    /// missing, unreachable...) is one line.
    static func main() {
        // A write to a remote shard whose connection closed must fail with an error (see RemoteTimeouts),
        // not end the process.
        signal(SIGPIPE, SIG_IGN)
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("-") {
            let names = configuration.subcommands.map { $0._commandName } + ["help"]
            if !names.contains(first) {
                let hint = nearest(to: first, among: names).map { "; did you mean '\($0)'?" }
                    ?? " (the commands are \(names.joined(separator: ", ")))"
                exit(withError: ValidationError("unknown command '\(first)'\(hint)"))
            }
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        // ArgumentParser's own commands (help) report through it; so do a status our command chose and help.
        let ours = configuration.subcommands.contains { ObjectIdentifier($0) == ObjectIdentifier(type(of: command)) }
        do {
            try command.run()
        } catch where !ours || error is ExitCode || error is CleanExit {
            exit(withError: error)
        } catch {
            exit(withError: fail("\(error)"))
        }
    }
}

/// The `--index DIR` option shared by every subcommand.
struct IndexLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The index folder, or shards: DIR,DIR,tcp://HOST:PORT,... or @FILE (one shard per line).",
        valueName: "DIR"))
    var index = "index"

    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Timeout for remote shards, in milliseconds.", valueName: "MS"))
    var shardTimeout: UInt32 = 10_000
}

/// `1 segment`, `2 segments`: the count and the noun, plural unless the count is 1.
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}

/// Refuses a negative count, or one above `maximum`, naming the option and the value.
func requireCount(_ value: Int, _ option: String, atMost maximum: Int = .max) throws {
    if value < 0 { throw ValidationError("invalid value \(value) for \(option): it must not be negative") }
    if value > maximum { throw ValidationError("invalid value \(value) for \(option): it must be at most \(maximum)") }
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
