import Foundation
internal import Xapian

/// The segments that updates of a bulk-built index have replaced or deleted, by Xapian docid.
///
/// A bulk build writes no term list (a quarter of the index and of its build time, measured on real
/// text), and without one Xapian cannot delete or replace a document: it would not know which posting
/// lists hold it. So an update of such an index adds the new segments and lists the old ones here,
/// in the index's metadata (``Schema/deletedKey``), written with every change so that any commit,
/// Xapian's own flushes included, holds the segments and the list that hides the old ones together.
/// Searches leave the listed segments out (``SearchIndex``). Their postings stay in Xapian's
/// statistics, as Lucene's deleted documents stay in its own until a merge.
struct DeletedSegments: Equatable {
    /// Ascending, disjoint, non-adjacent closed ranges of docids.
    private(set) var ranges: [ClosedRange<UInt32>] = []

    /// How many docids are listed.
    var count: Int { ranges.reduce(0) { $0 + $1.count } }

    /// Reads the list as ``encoded`` writes it: ascending docids and ranges, `"3,7-9,12"`.
    init(encoded: String) throws(HanSearchError) {
        guard !encoded.isEmpty else { return }
        for item in encoded.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false).map { UInt32($0) }
            guard (1...2).contains(bounds.count), let first = bounds.first!, let last = bounds.last!,
                  first > 0, first <= last, first > (ranges.last?.upperBound ?? 0) else {
                throw .data(action: "reading the list of deleted segments",
                           message: "metadata \(Schema.deletedKey) is not an ascending docid list (at \"\(item)\")")
            }
            ranges.append(first...last)
        }
    }

    init() {}

    /// The list as the index stores it.
    var encoded: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }

    func contains(_ docid: UInt32) -> Bool {
        let index = firstRange(endingAtOrAfter: docid)
        return index < ranges.count && ranges[index].contains(docid)
    }

    /// Lists `docid`, merging it with the ranges beside it.
    mutating func insert(_ docid: UInt32) {
        var index = firstRange(endingAtOrAfter: docid)
        if index < ranges.count && ranges[index].contains(docid) { return }
        var range = docid...docid
        if index > 0 && ranges[index - 1].upperBound == docid - 1 {
            range = ranges[index - 1].lowerBound...docid
            ranges.remove(at: index - 1)
            index -= 1
        }
        if index < ranges.count && ranges[index].lowerBound == docid + 1 {
            range = range.lowerBound...ranges[index].upperBound
            ranges.remove(at: index)
        }
        ranges.insert(range, at: index)
    }

    /// The index of the first range whose upper bound is at least `docid` (binary search).
    private func firstRange(endingAtOrAfter docid: UInt32) -> Int {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < docid { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension Schema {
    /// Metadata key listing the segments that searches leave out (``DeletedSegments``).
    public static let deletedKey = "hansearch.deleted"

    /// Whether the local index folder `path` was written without a term list (by a bulk build).
    static func lacksTermList(_ path: String) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: path + "/iamglass") && !manager.fileExists(atPath: path + "/termlist.glass")
    }

    /// Opens the local index folder `path` for writing, without a term list when it has none.
    static func openForWriting(_ path: String, mode: WritableDatabase.OpenMode) throws -> WritableDatabase {
        try WritableDatabase(path: path, mode: mode, flags: lacksTermList(path) ? [.noTermList] : [])
    }
}
