import Foundation

/// Holds commits back while a search that kept losing its revision runs once more.
///
/// Xapian readers see the last commit while the next one is written, but a reader whose revision is
/// two commits old finds its blocks reused and gets `DatabaseModifiedError`. Under a steady stream of
/// commits a long search (facets over every match, a page of 1,000 hits) can lose its revision on every
/// try. A search's last try therefore takes the gate shared, reopens and runs; a writer takes it
/// exclusively for each commit, so it waits at most for the searches on their last try. Share one gate
/// between the writer and the readers of one process (``IndexWriter/commitGate``,
/// ``SearchIndex/commitGate``); readers in other processes still rely on their retries alone.
public final class CommitGate: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    /// Creates an open gate.
    public init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Runs `body` with no commit starting until it returns (searches may share the gate).
    func holdingCommits<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Runs the commit `body` once no search holds commits back.
    func committing<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
