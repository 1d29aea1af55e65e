import HanSearch
import NIOConcurrencyHelpers
import NIOPosix

/// Counts commits. The writer advances it after each commit; a read handle older than it is reopened
/// before its next use, so a request that starts after a write was answered sees that write.
final class IndexGeneration: Sendable {
    private let value = NIOLockedValueBox<UInt64>(0)

    /// The number of commits so far.
    var current: UInt64 { value.withLockedValue { $0 } }

    /// Records a commit.
    func advance() {
        value.withLockedValue { $0 += 1 }
    }
}

/// A pool of read handles, one per concurrent search. Xapian handles are not thread-safe, so each
/// is used by one request at a time, on a thread of `threadPool` (never on an event loop: searches block).
/// Reads never wait for the writer: Xapian readers see the last commit while the next one is written.
final class ReaderPool: Sendable {
    /// One read handle and the commit generation it has been reopened at.
    /// Only the request that has taken it out of the pool touches it.
    private final class Slot: @unchecked Sendable {
        let index: SearchIndex
        var generation: UInt64

        init(index: SearchIndex, generation: UInt64) {
            self.index = index
            self.generation = generation
        }
    }

    private struct State {
        var free: [Slot]
        var waiting: [CheckedContinuation<Slot, Never>] = []
    }

    private let state: NIOLockedValueBox<State>
    private let generation: IndexGeneration
    private let threadPool: NIOThreadPool
    private let maximumWaiting: Int
    /// The number of read handles.
    let size: Int

    /// Opens `size` read handles on the index at `path` (a folder or a shard list).
    /// Their last try at a search holds the writer's commits back through `commitGate` (see ``CommitGate``).
    init(path: String, timeouts: RemoteTimeouts = RemoteTimeouts(), size: Int, maximumWaiting: Int,
         generation: IndexGeneration, commitGate: CommitGate, threadPool: NIOThreadPool) throws {
        var slots: [Slot] = []
        for _ in 0..<size {
            let index = try SearchIndex.open(location: path, timeouts: timeouts)
            index.commitGate = commitGate
            slots.append(Slot(index: index, generation: generation.current))
        }
        self.state = NIOLockedValueBox(State(free: slots))
        self.generation = generation
        self.threadPool = threadPool
        self.maximumWaiting = maximumWaiting
        self.size = size
    }

    /// Runs `body` with a read handle at the latest commit, on the thread pool.
    /// Throws a 503 ``APIError`` when too many requests already wait for a handle.
    func withReader<T: Sendable>(_ body: @escaping @Sendable (SearchIndex) throws -> T) async throws -> T {
        let slot = try await acquire()
        defer { release(slot) }
        let target = generation.current
        do {
            return try await threadPool.runIfActive {
                if slot.generation < target {
                    try ReaderPool.reopen(slot.index)
                    slot.generation = target
                }
                return try body(slot.index)
            }
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw APIError.unavailable("the server is shutting down")
        }
    }

    /// Moves `index` to the latest commit (``SearchIndex/reopen()`` retries a discarded revision itself).
    static func reopen(_ index: SearchIndex) throws(HanSearchError) {
        do {
            try index.reopen()
        } catch .unavailable {
            // A remote shard failed: the request's own read fails the same way and recovers or
            // answers 503 naming the shard (``SearchIndex/withShardRecovery(_:)``).
        }
    }

    private func acquire() async throws -> Slot {
        enum Next { case slot(Slot), wait, refuse }
        let next: Next = state.withLockedValue { state in
            if let slot = state.free.popLast() { return .slot(slot) }
            return state.waiting.count < maximumWaiting ? .wait : .refuse
        }
        switch next {
        case .slot(let slot):
            return slot
        case .refuse:
            throw APIError.unavailable("the server is busy: \(maximumWaiting) requests already wait for a search slot; retry shortly")
        case .wait:
            return await withCheckedContinuation { continuation in
                let slot: Slot? = state.withLockedValue { state in
                    // A handle may have come back between the check above and now.
                    if let slot = state.free.popLast() { return slot }
                    state.waiting.append(continuation)
                    return nil
                }
                if let slot { continuation.resume(returning: slot) }
            }
        }
    }

    private func release(_ slot: Slot) {
        let waiter: CheckedContinuation<Slot, Never>? = state.withLockedValue { state in
            if state.waiting.isEmpty {
                state.free.append(slot)
                return nil
            }
            return state.waiting.removeFirst()
        }
        waiter?.resume(returning: slot)
    }
}
