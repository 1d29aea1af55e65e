import ArgumentParser
import HanSearch

extension SearchCommand {
    /// Checks `--facets`, `--source` and `--year`.
    func validateFacets() throws {
        if let facets {
            do {
                _ = try Facet.list(parsing: facets)
            } catch {
                throw ValidationError("--facets: \(error)")
            }
        }
        if let source, source.isEmpty { throw ValidationError("--source must not be empty") }
        if let year, !Facet.isValidYear(year) { throw ValidationError("--year must be a year written YYYY, not \"\(year)\"") }
    }

    /// Sets the facets and facet filters of `options` from the command line (checked by ``validateFacets()``).
    func addFacets(to options: inout SearchOptions) throws {
        options.facets = try facets.map { try Facet.list(parsing: $0) } ?? []
        options.source = source
        options.year = year
    }

    /// Prints each facet counted on one line: `source: 宁波日报 12 · debian 3`.
    func printFacets(_ facets: FacetCounts?) {
        guard let facets else { return }
        for (name, values) in [(Facet.source, facets.source), (Facet.year, facets.year)] {
            guard let values else { continue }
            let counts = values.isEmpty ? "(none)" : values.map { "\($0.value) \($0.count)" }.joined(separator: " · ")
            print("\(name.rawValue): \(counts)")
        }
    }
}
