import Foundation
import HanSearch
import Logging
import NIOPosix
import ServiceLifecycle

/// The one writer of the index. Every write goes through this actor, which applies them with group
/// commit: writes that arrive while a commit is running wait and then share the next commit, and each
/// caller is answered only once its changes are committed and visible to new searches.
///
/// Each commit is one Xapian transaction, so readers see a batch entirely or not at all. When a
/// shared commit fails, each caller's changes are retried in a commit of their own, so that one bad
/// write does not fail the others.
///
/// As a `Service`, it waits for graceful shutdown, then commits what is pending, closes the index and
/// stops the thread pool.
public actor IndexWriterService: Service {
    /// The IndexWriter, which is not Sendable: only this actor's flush loop uses it, one batch at a time.
    private final class WriterBox: @unchecked Sendable {
        let writer: ShardedWriter
        init(_ writer: ShardedWriter) { self.writer = writer }
    }

    private struct Pending {
        var changes: [IndexChange]
        var continuation: CheckedContinuation<[Int], Error>
    }

    private let box: WriterBox
    private let threadPool: NIOThreadPool
    private let generation: IndexGeneration
    private let logger: Logger
    private var queue: [Pending] = []
    private var flushing = false
    /// Writes taken from the queue and being committed.
    private var inFlight = 0
    private var closed = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Commits made so far.
    public private(set) var commits = 0

    /// Called after each commit, once it is visible to new searches.
    private let onCommit: @Sendable () -> Void

    init(writer: ShardedWriter, threadPool: NIOThreadPool, generation: IndexGeneration, logger: Logger,
         onCommit: @escaping @Sendable () -> Void = {}) {
        self.box = WriterBox(writer)
        self.threadPool = threadPool
        self.generation = generation
        self.logger = logger
        self.onCommit = onCommit
    }

    /// Makes the commits so far visible to new searches.
    private func published() {
        generation.advance()
        onCommit()
    }

    /// Applies `changes` (in one transaction with whatever else is pending) and returns, once they are
    /// committed, the number of segments each added or removed.
    func submit(_ changes: [IndexChange]) async throws -> [Int] {
        guard !closed else { throw APIError.unavailable("the server is shutting down; the write was not applied") }
        return try await withCheckedThrowingContinuation { continuation in
            queue.append(Pending(changes: changes, continuation: continuation))
            if !flushing {
                flushing = true
                Task { await self.flushLoop() }
            }
        }
    }

    private func flushLoop() async {
        while !queue.isEmpty {
            let batch = queue
            queue = []
            inFlight = batch.count
            let results = await commit(batch)
            inFlight = 0
            if results.contains(where: { if case .success = $0 { true } else { false } }) {
                published()
            }
            for (pending, result) in zip(batch, results) {
                pending.continuation.resume(with: result)
            }
        }
        flushing = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }

    /// Commits `batch` as one transaction, or, if that fails, each caller's changes on their own.
    private func commit(_ batch: [Pending]) async -> [Result<[Int], Error>] {
        let box = self.box
        let started = ContinuousClock.now
        do {
            let counts = try await threadPool.runIfActive {
                try box.writer.applyAtomically(batch.flatMap(\.changes))
            }
            commits += 1
            logger.debug("commit", metadata: ["writes": "\(batch.count)", "changes": "\(counts.count)",
                                              "ms": "\(milliseconds(since: started))"])
            var results: [Result<[Int], Error>] = []
            var start = 0
            for pending in batch {
                results.append(.success(Array(counts[start..<start + pending.changes.count])))
                start += pending.changes.count
            }
            return results
        } catch {
            logger.error("commit failed", metadata: ["writes": "\(batch.count)", "error": "\(error)"])
            guard batch.count > 1 else { return [.failure(Self.describe(error))] }
            var results: [Result<[Int], Error>] = []
            for pending in batch {
                do {
                    let counts = try await threadPool.runIfActive { try box.writer.applyAtomically(pending.changes) }
                    commits += 1
                    results.append(.success(counts))
                } catch {
                    results.append(.failure(Self.describe(error)))
                }
            }
            return results
        }
    }

    private static func describe(_ error: Error) -> APIError {
        if let error = error as? HanSearchError { return APIError.from(error) }
        return APIError.unavailable("the write could not be committed: \(error)")
    }

    /// Runs `body` with the writer, alone: after the commit in progress, and before the writes that
    /// arrive meanwhile (they wait and then share the next commit). For work that commits by itself,
    /// such as a ``FolderWatcher`` scan; searches see its changes once it returns.
    func withWriter<T: Sendable>(_ body: @escaping @Sendable (ShardedWriter) throws -> T) async throws -> T {
        while flushing && !closed {
            await withCheckedContinuation { idleWaiters.append($0) }
        }
        guard !closed else { throw APIError.unavailable("the server is shutting down") }
        flushing = true
        let box = self.box
        let result: Result<T, Error>
        do {
            result = .success(try await threadPool.runIfActive { try body(box.writer) })
        } catch {
            result = .failure(error)
        }
        published()
        if queue.isEmpty {
            flushing = false
            for waiter in idleWaiters { waiter.resume() }
            idleWaiters = []
        } else {
            Task { await self.flushLoop() }
        }
        return try result.get()
    }

    /// Waits for graceful shutdown, then commits what is pending and closes the index.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Refuses new writes, waits for pending ones to be committed, closes the index and stops the thread pool.
    func close() async {
        guard !closed else { return }
        closed = true
        if flushing {
            await withCheckedContinuation { idleWaiters.append($0) }
        }
        let box = self.box
        do {
            try await threadPool.runIfActive { try box.writer.close() }
            logger.info("index closed", metadata: ["commits": "\(commits)"])
        } catch {
            logger.error("closing the index failed", metadata: ["error": "\(error)"])
        }
        try? await threadPool.shutdownGracefully()
    }

    /// Writes submitted and not yet answered.
    var queuedOrFlushing: Int { queue.count + inFlight }

    /// Whether writes are still accepted.
    var isOpen: Bool { !closed }
}
