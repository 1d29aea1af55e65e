import Foundation

/// Figures about an index.
public struct IndexStats: Codable, Sendable, Equatable {
    /// Distinct documents (reports or articles).
    public var documents: Int
    /// Segments, one Xapian document each.
    public var segments: Int
    /// Distinct terms, all fields (those of deleted segments included, until a rebuild).
    public var terms: Int
    /// Bytes on disk.
    public var sizeBytes: Int
    /// The last commit, ISO 8601, if any.
    public var lastCommit: String?
    /// The analyzer the index was built with.
    public var analyzer: String
    /// How the index folds characters (`none` or `variants`, see ``Folding``).
    public var fold: Folding
    /// Segments that updates of a bulk-built index replaced or deleted: hidden from every search, but on
    /// disk until the index is built again (an added field).
    public var deletedSegments: Int
}

extension SearchIndex {
    /// Counts documents, segments and terms, and measures the folder.
    public func stats() throws(HanSearchError) -> IndexStats {
        try withRetryOnModification {
            let lastCommit = try database.metadata(Schema.lastCommitKey)
            let (documents, segments) = try visibleCounts()
            return IndexStats(
                documents: documents, segments: segments,
                terms: try database.termCount(withPrefix: ""),
                sizeBytes: IndexStats.folderSize(path),
                lastCommit: lastCommit.isEmpty ? nil : lastCommit,
                analyzer: try database.metadata(Schema.analyzerVersionKey), fold: folding,
                deletedSegments: try database.documentCount() - segments)
        }
    }
}

extension IndexStats {
    /// The total size of the regular files under `path`.
    public static func folderSize(_ path: String) -> Int {
        let manager = FileManager.default
        let files = manager.enumerator(atPath: path)?.allObjects as? [String] ?? []
        return files.reduce(0) { total, name in
            let attributes = try? manager.attributesOfItem(atPath: (path as NSString).appendingPathComponent(name))
            return total + ((attributes?[.type] as? FileAttributeType) == .typeRegular ? (attributes?[.size] as? Int ?? 0) : 0)
        }
    }
}
