import HanSearch

extension SearchParameters {
    /// Reads `facets` (a comma-separated list of facet names), `source` and `year`.
    mutating func readFacets(_ values: [String: String]) throws(APIError) {
        if let facets = values["facets"] {
            do {
                options.facets = try Facet.list(parsing: facets)
            } catch {
                throw .badParameter("facets", error.description)
            }
        }
        if let source = values["source"] {
            guard !source.isEmpty else { throw .badParameter("source", "must be a source, not empty") }
            options.source = source
        }
        if let year = values["year"] {
            guard Facet.isValidYear(year) else { throw .badParameter("year", "must be a year written YYYY, not \"\(year)\"") }
            options.year = year
        }
    }
}
