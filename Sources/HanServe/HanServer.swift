import Foundation
import HanSearch
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Why the server cannot start.
public struct ServerStartError: Error, CustomStringConvertible {
    /// What is wrong, one message per problem.
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

/// Everything the routes share: the configuration, the read-handle pool, the writer and the metrics.
/// Open it with ``open(configuration:logger:)``; ``writer`` must run as a service (it commits what is
/// pending and closes the index on graceful shutdown).
public struct HanServer: Sendable {
    /// The configuration it was opened with.
    public let configuration: ServerConfiguration
    /// The single writer; run it as a service of the application.
    public let writer: IndexWriterService
    /// The watcher of ``ServerConfiguration/watchFolder``, when one is set; it writes through ``writer``.
    public let watcher: FolderWatchService?
    let readers: ReaderPool
    /// The synonyms applied to queries; run ``SynonymWatcher`` to keep them current.
    let synonyms: SynonymStore
    let metrics: ServerMetrics
    /// The search page, its script, style and icon, and the OpenAPI document, by path.
    let files: [String: StaticFile]

    /// Opens (or creates) the index at `configuration.indexPath` for writing and opens the read handles.
    /// Throws ``ServerStartError`` for a bad configuration or an index that cannot be opened (for example
    /// one locked by a running `hanindex`).
    public static func open(configuration: ServerConfiguration, logger: Logger) throws -> HanServer {
        let problems = configuration.problems()
        guard problems.isEmpty else { throw ServerStartError(problems: problems) }
        let files = try StaticFile.load()
        // One thread per read handle, and one for the writer, so that commits never wait for searches.
        let threadPool = NIOThreadPool(numberOfThreads: configuration.readers + 1)
        threadPool.start()
        do {
            let synonyms = try SynonymStore(file: SynonymFile.resolve(explicit: configuration.synonymsPath,
                                                                      index: configuration.indexPath), logger: logger)
            let generation = IndexGeneration()
            let commitGate = CommitGate()
            let writer = try ShardedWriter(shards: try ShardList(parsing: configuration.indexPath),
                                           timeouts: .milliseconds(configuration.shardTimeoutMilliseconds))
            writer.commitGate = commitGate
            let readers = try ReaderPool(path: configuration.indexPath,
                                         timeouts: .milliseconds(configuration.shardTimeoutMilliseconds),
                                         size: configuration.readers,
                                         maximumWaiting: configuration.maximumWaitingReads,
                                         generation: generation, commitGate: commitGate, threadPool: threadPool)
            let metrics = ServerMetrics(readHandles: configuration.readers)
            metrics.record(try SearchIndex.open(location: configuration.indexPath,
                                                timeouts: .milliseconds(configuration.shardTimeoutMilliseconds)).figures())
            let service = IndexWriterService(writer: writer, threadPool: threadPool, generation: generation, logger: logger) {
                metrics.recordCommit { try? await readers.withReader { try $0.figures() } }
            }
            return HanServer(configuration: configuration, writer: service,
                             watcher: configuration.watchFolder.map {
                                 FolderWatchService(folder: $0, interval: configuration.watchIntervalSeconds,
                                                    writer: service, logger: logger)
                             },
                             readers: readers, synonyms: synonyms, metrics: metrics, files: files)
        } catch {
            try? threadPool.syncShutdownGracefully()
            throw ServerStartError(problems: ["\(error)"])
        }
    }

    /// The services to run with the application: the writer, the synonym watcher, then the folder
    /// watcher (stopped first).
    public var services: [any Service] {
        [writer, SynonymWatcher(store: synonyms)] + (watcher.map { [$0] } ?? [])
    }

}

extension HanServer {
    /// Runs `body` with a read handle whose parser has the current synonyms, turning query and index errors
    /// into API errors.
    func read<T: Sendable>(_ body: @escaping @Sendable (SearchIndex) throws -> T) async throws -> T {
        do {
            let synonyms = self.synonyms.table
            return try await readers.withReader { index in
                index.parser.synonyms = synonyms
                return try index.withShardRecovery(body)
            }
        } catch let error as ShardsUnavailableError {
            throw APIError(.serviceUnavailable, code: "shard_unavailable", error.description)
        } catch let error as QuerySyntaxError {
            throw APIError(.badRequest, code: "bad_query", "the query cannot be parsed: \(error)")
        } catch let error as HanSearchError {
            throw APIError.from(error)
        }
    }
}
