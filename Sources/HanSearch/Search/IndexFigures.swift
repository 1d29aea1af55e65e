/// The figures a monitor follows: cheap to take (no walk over every term, unlike ``IndexStats``; with
/// deleted segments in a bulk-built index, one pass over the segments).
public struct IndexFigures: Sendable, Equatable {
    /// Distinct documents (reports or articles).
    public var documents: Int
    /// Segments.
    public var segments: Int
    /// Bytes on disk of the local folders (remote shards count 0).
    public var sizeBytes: Int
}

extension SearchIndex {
    /// The documents, segments and size of the index, over all shards.
    public func figures() throws(HanSearchError) -> IndexFigures {
        try withRetryOnModification(action: "counting the index") {
            let (documents, segments) = try visibleCounts()
            return IndexFigures(documents: documents, segments: segments,
                                sizeBytes: shards.shards.reduce(0) { total, shard in
                                    if case .local(let folder) = shard { return total + IndexStats.folderSize(folder) }
                                    return total
                                })
        }
    }
}
