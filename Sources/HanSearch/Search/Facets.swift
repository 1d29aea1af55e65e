import Foundation
internal import Xapian

/// A property of segments that a search can count its matches by, and filter on.
public enum Facet: String, CaseIterable, Sendable {
    /// The document's source (``Report/source``).
    case source
    /// The year of the document's date.
    case year

    /// The facets named in a comma-separated list such as `source,year`, in the order given, each once.
    /// Throws ``UnknownFacetError`` for a name that is not a facet (or an empty list).
    public static func list(parsing text: String) throws(UnknownFacetError) -> [Facet] {
        var facets: [Facet] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = name.trimmingCharacters(in: .whitespaces)
            guard let facet = Facet(rawValue: name) else { throw UnknownFacetError(name: name) }
            if !facets.contains(facet) { facets.append(facet) }
        }
        return facets
    }

    /// Whether `text` is a year written with four digits, as ``SearchOptions/year`` takes it.
    public static func isValidYear(_ text: String) -> Bool {
        text.utf8.count == 4 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}

/// A facet name that is not one of ``Facet``'s.
public struct UnknownFacetError: Error, CustomStringConvertible, Sendable {
    /// The name as given.
    public var name: String

    public var description: String {
        let known = Facet.allCases.map(\.rawValue).joined(separator: ", ")
        return name.isEmpty ? "an empty facet name; the facets are \(known)"
            : "unknown facet \"\(name)\"; the facets are \(known)"
    }
}

/// One value of a facet and how many matching segments have it.
public struct FacetValue: Codable, Sendable, Equatable {
    /// The value: a source, or a year `YYYY`.
    public var value: String
    /// The number of matching segments with this value (all matches, not only the page returned).
    public var count: Int

    /// Creates a facet value.
    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }
}

/// The counts of the facets a search asked for, each sorted by count (highest first) then value.
/// Segments without a source or date are not counted under that facet, so a facet's counts add up to
/// the total less those segments.
public struct FacetCounts: Codable, Sendable, Equatable {
    /// Matching segments per source, when asked for.
    public var source: [FacetValue]?
    /// Matching segments per year, when asked for.
    public var year: [FacetValue]?

    /// Creates facet counts.
    public init(source: [FacetValue]? = nil, year: [FacetValue]? = nil) {
        self.source = source
        self.year = year
    }
}

/// The match spies that count the facets of one search.
struct FacetSpies {
    private let spies: [(facet: Facet, spy: ValueCountSpy)]

    /// Spies for `facets`, fed by `enquire`. They count every match only when the enquire examines every
    /// match (`checkAtLeast` the document count), and only once: one `mset` call per enquire.
    init(_ facets: [Facet], enquire: Enquire) {
        spies = facets.map { facet in
            let spy = ValueCountSpy(slot: facet == .source ? Schema.sourceSlot : Schema.dateSlot)
            enquire.addSpy(spy)
            return (facet, spy)
        }
    }

    /// The counts seen, or nil when no facet was asked for.
    func counts() throws(XapianError) -> FacetCounts? {
        guard !spies.isEmpty else { return nil }
        var counts = FacetCounts()
        for (facet, spy) in spies {
            switch facet {
            case .source:
                counts.source = FacetSpies.sorted(try spy.counts())
            case .year:
                // Dates are YYYY-MM-DD: the year is the first four characters.
                var years: [String: Int] = [:]
                for (date, count) in try spy.counts() { years[String(date.prefix(4)), default: 0] += count }
                counts.year = FacetSpies.sorted(years.map { ($0.key, $0.value) })
            }
        }
        return counts
    }

    static func sorted(_ counts: [(value: String, count: Int)]) -> [FacetValue] {
        counts.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
            .map { FacetValue(value: $0.value, count: $0.count) }
    }
}

extension SearchIndex {
    /// `query` restricted to the source and year chosen in `options`.
    func facetFiltered(_ query: Query, options: SearchOptions) -> Query {
        var query = query
        if let source = options.source {
            query = .filter(query, by: .valueRange(slot: Schema.sourceSlot, from: source, to: source))
        }
        if let year = options.year {
            query = .filter(query, by: .valueRange(slot: Schema.dateSlot, from: "\(year)-01-01", to: "\(year)-12-31"))
        }
        return query
    }
}
