import Foundation
import HanSearch
import Logging
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

    init(folder: String, interval: Double, writer: IndexWriterService, logger: Logger) {
        self.folder = folder
        self.interval = interval
        self.writer = writer
        self.logger = logger
    }

    /// Scans now and applies the changes; returns what was done (also logged), once it is searchable.
    public func scan() async throws -> [WatchEvent] {
        let box = self.box
        let folder = self.folder
        let interval = self.interval
        let events = try await writer.withWriter { writer in
            if box.watcher == nil { box.watcher = try FolderWatcher(folder: folder, writer: writer, quietPeriod: interval) }
            return try box.watcher?.scan(into: writer) ?? []
        }
        for event in events {
            switch event {
            case .indexed, .removed: logger.info("\(event)")
            case .skipped, .recordSkipped, .failed: logger.warning("\(event)")
            }
        }
        return events
    }

    /// Scans every ``interval`` seconds until graceful shutdown.
    public func run() async throws {
        logger.info("watching \(folder) every \(interval) s")
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await self.scan()
                } catch {
                    self.logger.error("scan of \(self.folder) failed; nothing of it was committed: \(error)")
                }
                try await Task.sleep(for: .seconds(self.interval))
            }
        }
    }
}
