internal import Xapian

extension Schema {
    /// Metadata key holding the index's ``Folding`` (`none` or `variants`); indexes built before folding
    /// existed have none and are read as `none`.
    public static let foldingKey = "hansearch.fold"

    /// The analyzer version of an index built with `folding`: ``analyzerVersion`` plus the fold and its
    /// table's digest. A folded index therefore never passes the version check of an unfolded reader or
    /// writer, nor of one with another table.
    public static func analyzerVersion(folding: Folding) -> String {
        analyzerVersion + folding.analyzerSuffix
    }

    /// The folding recorded by an index whose metadata holds `analyzer` and `fold` and which has
    /// `documents` documents; nil for a new index (no analyzer version and no documents).
    ///
    /// Throws ``HanSearchError/analyzerMismatch(path:found:expected:)`` when the index was built by
    /// another analyzer, or with a fold this program does not know; with `acceptingPreviousLayout`, an
    /// index of ``previousLayoutVersion`` passes (``IndexRebuild`` reads it).
    static func recordedFolding(analyzer: String, fold: String, documents: Int, path: String,
                                acceptingPreviousLayout: Bool = false) throws(HanSearchError) -> Folding? {
        if analyzer.isEmpty && documents == 0 { return nil }
        let folding = fold.isEmpty ? Folding.none : Folding(rawValue: fold)
        guard let folding, analyzer == analyzerVersion(folding: folding)
                || acceptingPreviousLayout && analyzer == previousLayoutVersion + folding.analyzerSuffix else {
            let named = fold.isEmpty || folding == Folding.none ? analyzer : "\(analyzer) (fold \(fold))"
            throw .analyzerMismatch(path: path, found: named,
                                    expected: analyzerVersion(folding: folding ?? .none))
        }
        return folding
    }
}

extension Schema {
    /// Records in a new index the analyzer version and the folding its documents are written with.
    static func stamp(_ database: WritableDatabase, folding: Folding) throws(XapianError) {
        try database.setMetadata(analyzerVersion(folding: folding), forKey: analyzerVersionKey)
        try database.setMetadata(folding.rawValue, forKey: foldingKey)
    }
}
