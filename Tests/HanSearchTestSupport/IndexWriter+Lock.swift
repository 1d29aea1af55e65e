import Foundation
import HanSearch

extension IndexWriter {
    /// Opens a writer on `path`, waiting up to five seconds for Xapian's lock. For tests only: while a
    /// test of the command-line tools spawns a process, the child holds copies of the test process's
    /// file descriptors (the lock's among them) until it has closed them on its way to `exec`, so a lock
    /// just released can look taken for a moment. Tests whose subject is the lock open writers directly.
    public static func waitingForLock(path: String, folding: Folding? = nil) throws -> IndexWriter {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            do {
                return try IndexWriter(path: path, folding: folding)
            } catch {
                guard case .indexLocked = error, ContinuousClock.now < deadline else { throw error }
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }
}
