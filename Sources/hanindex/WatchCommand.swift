import ArgumentParser
import Dispatch
import Foundation
import HanSearch

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep the index in step with a folder: index new and changed files, remove deleted ones.",
        discussion: """
            Scans the folder every --interval seconds. A file whose size or modification time changed is \
            hashed, and indexed again only when its content changed; a file changed less than --interval \
            ago may still be being written: it waits for the next scan, and a line names it (with --once it \
            is not indexed, and the exit status stays 0). The index records each file's hash and documents \
            with them, so a restart (or a \
            watch after `hanindex index` of the same folder) re-indexes nothing that did not change. \
            One line per action on stderr. Ctrl-C or SIGTERM stops after the current batch.
            """
    )

    @OptionGroup var location: IndexLocation

    @Argument(help: ArgumentHelp("The folder to watch.", valueName: "FOLDER"))
    var folder = "corpus"

    @Option(parsing: .unconditional, help: "Seconds between scans; a new file is indexed once unchanged for as long.")
    var interval: Double = 1

    @Flag(help: "Scan once, apply the changes, and exit.")
    var once = false

    func validate() throws {
        guard interval >= 0.05, interval <= 86_400 else {
            throw ValidationError("--interval must be between 0.05 and 86400 seconds, not \(interval)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(folder) is not a folder")
        }
    }

    func run() throws {
        let stop = StopSignal()
        let writer: ShardedWriter
        let watcher: FolderWatcher
        do {
            writer = try location.openWriter(folding: nil)
            watcher = try FolderWatcher(folder: folder, writer: writer, quietPeriod: interval)
        } catch {
            throw fail("\(error)")
        }
        defer { try? writer.close() }
        if !once { note("hanindex: watching \(folder) into \(location.index) every \(interval) s (\(counted(watcher.states.count, "file")) known)") }
        var waiting = Set<String>()
        repeat {
            do {
                let plan = watcher.plan()
                // Said once per file while it keeps changing, so that a slow copy is not one line per scan.
                for path in plan.waiting where !waiting.contains(path) { note(waitingMessage(path)) }
                waiting = Set(plan.waiting)
                let events = try watcher.apply(plan, to: writer)
                for event in events { note(event.description) }
                if once && events.contains(where: \.isProblem) { throw ExitCode(2) }
            } catch let error as HanSearchError {
                note("hanindex: \(error) — nothing of this scan was committed; retrying at the next scan")
                if once { throw ExitCode(1) }
            }
            if once { return }
        } while stop.wait(seconds: interval)
        note("hanindex: stopped")
    }

    /// Why a file that changed less than --interval ago is left for a later scan, and how to get it indexed.
    func waitingMessage(_ relativePath: String) -> String {
        let path = (folder as NSString).appendingPathComponent(relativePath)
        let quiet = "it changed less than \(interval) s ago and may still be being written"
        return once
            ? "not indexed \(path): \(quiet); run this command again once the file is complete, or watch without --once"
            : "waiting for \(path): \(quiet); it is indexed once it stays unchanged for \(interval) s"
    }
}

extension WatchEvent {
    /// Whether the event reports a file or record that was not indexed.
    var isProblem: Bool {
        switch self {
        case .indexed, .removed: false
        case .skipped, .recordSkipped, .failed: true
        }
    }
}

/// Set by SIGINT or SIGTERM; the loop checks it between scans.
final class StopSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var sources: [DispatchSourceSignal] = []

    init() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.stop() }
            source.resume()
            sources.append(source)
        }
    }

    private func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits `seconds` unless a signal comes; returns false once one came.
    func wait(seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(seconds)
        while !stopped && condition.wait(until: deadline) {}
        return !stopped
    }
}
