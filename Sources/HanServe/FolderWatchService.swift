import Foundation
import HanSearch
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// `hanserve --watch FOLDER`: scans the folder every interval and applies what changed, as
/// `hanindex watch` does, through the server's single writer (``IndexWriterService/withWriter(_:)``),
/// so HTTP writes and scans never interleave within a commit. Each action is logged on one line.
///
/// As a service it stops on graceful shutdown, after the scan in progress.
public final class FolderWatchService: Service, Sendable {
    /// The watcher, created by the first scan from the states recorded in the index. Only used inside
    /// ``IndexWriterService/withWriter(_:)``, which runs one body at a time.
    private final class WatcherBox: @unchecked Sendable {
        var watcher: FolderWatcher?
    }

    /// The watched folder.
    public let folder: String
    /// Seconds between scans.
    public let interval: Double
    private let writer: IndexWriterService
    private let logger: Logger
    private let box = WatcherBox()
    private let current: NIOLockedValueBox<Status>
    /// Whether the startup scan has finished, and who waits for it.
    private let startup = NIOLockedValueBox<(finished: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    /// What `GET /stats` tells about the watcher.
    public struct Status: Codable, Sendable, Equatable {
        /// The watched folder, as given.
        public var folder: String
        /// Files of the folder that the index holds a state for.
        public var files: Int
        /// When the last scan finished (ISO 8601), if one did.
        public var lastScan: String?
        /// Why the last scan failed, if it did (nothing of it was committed; the next scan retries).
        public var lastError: String?
    }

    init(folder: String, interval: Double, writer: IndexWriterService, logger: Logger) {
        self.folder = folder
        self.interval = interval
        self.writer = writer
        self.logger = logger
        current = NIOLockedValueBox(Status(folder: folder, files: 0))
    }

    /// The watcher's status after its last scan.
    public var status: Status { current.withLockedValue { $0 } }

    /// Scans now and applies the changes; returns what was done (also logged), once it is searchable.
    public func scan() async throws -> [WatchEvent] {
        let box = self.box
        let folder = self.folder
        let interval = self.interval
        let events: [WatchEvent]
        let files: Int
        do {
            (events, files) = try await writer.withWriter { writer in
                if box.watcher == nil { box.watcher = try FolderWatcher(folder: folder, writer: writer, quietPeriod: interval) }
                return (try box.watcher?.scan(into: writer) ?? [], box.watcher?.states.count ?? 0)
            }
        } catch {
            current.withLockedValue { $0.lastError = "\(error)" }
            throw error
        }
        let finished = ISO8601DateFormatter().string(from: Date())
        current.withLockedValue { $0 = Status(folder: folder, files: files, lastScan: finished) }
        for event in events {
            switch event {
            case .indexed, .removed: logger.info("\(event)")
            case .skipped, .recordSkipped, .failed: logger.warning("\(event)")
            }
        }
        return events
    }

    /// Returns once the scan that ``run()`` starts with has finished (or failed), so that a caller's own
    /// scan is not overtaken by it.
    public func startupScanFinished() async {
        await withCheckedContinuation { continuation in
            let finished = startup.withLockedValue { state in
                if !state.finished { state.waiting.append(continuation) }
                return state.finished
            }
            if finished { continuation.resume() }
        }
    }

    /// Wakes whoever waits for the startup scan; later calls find nobody waiting.
    private func finishStartupScan() {
        let waiting = startup.withLockedValue { state in
            let waiting = state.waiting
            state = (true, [])
            return waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Scans every ``interval`` seconds until graceful shutdown.
    public func run() async throws {
        logger.info("watching \(folder) every \(interval) s")
        defer { finishStartupScan() }  // also when shut down before the first scan
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await self.scan()
                } catch {
                    self.logger.error("scan of \(self.folder) failed; nothing of it was committed: \(error)")
                }
                self.finishStartupScan()
                try await Task.sleep(for: .seconds(self.interval))
            }
        }
    }
}

