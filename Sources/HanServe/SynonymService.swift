import Foundation
import HanSearch
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import UnixSignals

/// The synonym table the server applies to queries, and the file it comes from.
///
/// Readers take the current table once per request (``table``); ``reload()`` swaps in a new one under a
/// lock, so a request parses its whole query with one table. A file that fails to load on reload leaves
/// the previous table in place and its error in ``status``.
final class SynonymStore: Sendable {
    private struct State {
        var table: SynonymTable
        var stamp: FileStamp?
        var error: String?
    }

    /// The file, nil when there is none to read (a shard list without `--synonyms`).
    let file: SynonymFile?
    private let state: NIOLockedValueBox<State>
    private let logger: Logger

    /// Loads `file`; throws when it cannot be used, so that the server does not start with a broken file.
    init(file: SynonymFile?, logger: Logger) throws(SynonymError) {
        self.file = file
        self.logger = logger
        let stamp = file?.stamp()
        state = NIOLockedValueBox(State(table: try file?.load() ?? .empty, stamp: stamp))
    }

    /// The table in use.
    var table: SynonymTable { state.withLockedValue { $0.table } }

    /// What `/stats` shows.
    var status: SynonymStatus {
        state.withLockedValue { SynonymStatus(file: file?.path, groups: $0.table.groups.count, error: $0.error) }
    }

    /// Loads the file again. On failure keeps the previous table, records and logs the error, and returns false.
    @discardableResult
    func reload() -> Bool {
        guard let file else { return true }
        let stamp = file.stamp()
        do {
            let table = try file.load()
            state.withLockedValue { $0 = State(table: table, stamp: stamp, error: nil) }
            logger.info("synonyms loaded from \(file.path): \(table.groups.count) groups")
            return true
        } catch {
            let kept = state.withLockedValue { state in
                state.stamp = stamp
                state.error = error.description
                return state.table.groups.count
            }
            logger.error("synonyms not reloaded, keeping the previous \(kept) groups: \(error)")
            return false
        }
    }

    /// Reloads when the file's modification time or size changed (or it appeared or vanished).
    func reloadIfChanged() {
        guard let file, file.stamp() != state.withLockedValue({ $0.stamp }) else { return }
        reload()
    }
}

/// The synonyms part of `GET /stats`.
struct SynonymStatus: Codable, Sendable, Equatable {
    /// The synonym file's path, absent when there is none to read.
    var file: String?
    /// The number of groups in use.
    var groups: Int
    /// Why the last reload failed (the previous groups stay in use); absent when it succeeded.
    var error: String?
}

/// Keeps the synonyms current: reloads the file when it changes (checked every `interval`) and on SIGHUP.
/// It runs even without a file, so that SIGHUP never stops the server.
struct SynonymWatcher: Service {
    let store: SynonymStore
    var interval: Duration = .seconds(1)

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in signals { store.reload() }
                }
                group.addTask {
                    while (try? await Task.sleep(for: interval)) != nil { store.reloadIfChanged() }
                }
            }
        }
    }
}
