import Foundation

extension SearchIndex {
    /// The stored segment whose id is `id` (`<doc>#<n>`), or nil when the index does not hold it.
    public func segment(id: String) throws(HanSearchError) -> Segment? {
        try withRetryOnModification {
            guard let docid = try database.postings(Schema.segmentTerm(id)).first else { return nil }
            return try JSONDecoder().decode(Segment.self, from: Data(try database.document(docid).data))
        }
    }
}
