import Foundation
import HanAPI
import HanSearch
import MCP

/// The tools on an index this process opens itself (`hanindex mcp`): one read handle, and for each
/// write a writer that takes the index's lock, commits and closes (so `hanindex index` or `watch` can
/// write in between). Calls run one at a time: a Xapian handle is not thread-safe.
public actor LocalIndexBackend: SearchBackend {
    private let location: String
    private let timeouts: RemoteTimeouts
    private let index: SearchIndex
    public nonisolated let offersWrites: Bool
    public nonisolated var limits: SearchLimits { SearchLimits() }

    /// Opens the index at `location` (a folder or a shard list) for reading, with `synonyms` applied
    /// to queries; `writable` offers the writing tools.
    public init(location: String, timeouts: RemoteTimeouts, synonyms: SynonymTable, writable: Bool) throws {
        self.location = location
        self.timeouts = timeouts
        index = try SearchIndex.open(location: location, timeouts: timeouts)
        index.parser.synonyms = synonyms
        offersWrites = writable
    }

    /// The handle at the latest commit: another process (or our own write) may have committed since.
    private func current() throws -> SearchIndex {
        _ = try index.reopen()
        return index
    }

    public func search(_ query: String, options: SearchOptions) async throws -> SearchResponse {
        let started = ContinuousClock.now
        let results = try current().withShardRecovery { try $0.search(query, options: options) }
        return SearchResponse(results: results, tookMilliseconds: milliseconds(since: started))
    }

    public func document(id: String, highlight: String?) async throws -> DocumentResponse {
        guard let document = try current().withShardRecovery({ try DocumentResponse.read(id: id, highlighting: highlight, in: $0) })
        else { throw HanSearchError.documentNotFound(id: id) }
        return document
    }

    public func add(_ reports: [Report]) async throws -> WriteResponse {
        let started = ContinuousClock.now
        let changes = reports.map { IndexChange.add($0) }
        return WriteResponse(changes: changes, counts: try write(changes), tookMilliseconds: milliseconds(since: started))
    }

    public func delete(id: String) async throws -> DeleteResponse {
        let counts = try write([.delete(documentID: id)])
        guard let removed = counts.first, removed > 0 else { throw HanSearchError.documentNotFound(id: id) }
        return DeleteResponse(deleted: id, segments: removed)
    }

    public func stats() async throws -> Value {
        try Value(json: try current().totalStats())
    }

    public nonisolated func authorizeWrite(_ request: HTTPRequest?) throws {}

    /// Applies `changes` in one transaction per shard and commits before answering.
    private func write(_ changes: [IndexChange]) throws -> [Int] {
        let writer = try ShardedWriter(shards: try ShardList(parsing: location), timeouts: timeouts)
        defer { try? writer.close() }
        return try writer.applyAtomically(changes)
    }
}
