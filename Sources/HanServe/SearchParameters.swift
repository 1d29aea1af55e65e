import Foundation
import HanSearch

/// The query string of `GET /search`, checked parameter by parameter.
struct SearchParameters {
    static let names: Set<String> = ["q", "limit", "offset", "doc", "from", "to", "sort", "partial", "facets", "source", "year"]

    var query: String
    var options: SearchOptions
    /// `partial=true`: when shards are down, answer from the live ones (flagged partial) instead of 503.
    var allowPartial = false

    /// Reads and checks the parameters of the raw query string `rawQuery`; the first problem is thrown
    /// as a 400 ``APIError`` naming the parameter.
    init(rawQuery: String?, configuration: ServerConfiguration) throws(APIError) {
        var values: [String: String] = [:]
        for (name, value) in try SearchParameters.decode(rawQuery ?? "") {
            guard SearchParameters.names.contains(name) else {
                throw .badParameter(name, "unknown; the parameters are " + SearchParameters.names.sorted().joined(separator: ", "))
            }
            guard values[name] == nil else { throw .badParameter(name, "given more than once") }
            values[name] = String(value)
        }
        guard let query = values["q"], !query.allSatisfy(\.isWhitespace) else {
            throw APIError(.badRequest, code: "missing_query", "parameter \"q\" is required: the text to search for")
        }
        guard query.count <= configuration.maximumQueryLength else {
            throw APIError(.badRequest, code: "query_too_long",
                           "parameter \"q\" is \(query.count) characters long; the limit is \(configuration.maximumQueryLength)")
        }
        self.query = query
        options = SearchOptions()
        options.limit = try SearchParameters.integer(values, "limit", default: 10, in: 0...configuration.maximumLimit)
        options.offset = try SearchParameters.integer(values, "offset", default: 0, in: 0...configuration.maximumOffset)
        if let doc = values["doc"] {
            guard !doc.isEmpty else { throw .badParameter("doc", "must be a document id, not empty") }
            options.document = doc
        }
        options.from = try SearchParameters.date(values, "from")
        options.to = try SearchParameters.date(values, "to")
        if let from = options.from, let to = options.to, from > to {
            throw .badParameter("from", "\(from) is after \"to\" (\(to))")
        }
        if let sort = values["sort"] {
            guard let order = ResultOrder(rawValue: sort) else {
                throw .badParameter("sort", "must be relevance or date, not \"\(sort)\"")
            }
            options.sort = order
        }
        try readFacets(values)
        if let partial = values["partial"] {
            guard let value = Bool(partial) else { throw .badParameter("partial", "must be true or false, not \"\(partial)\"") }
            allowPartial = value
        }
    }

    /// The `name=value` pairs of a query string, percent-decoded, with `+` read as a space (as HTML forms send it).
    static func decode(_ rawQuery: String) throws(APIError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for item in rawQuery.split(separator: "&") {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) throws(APIError) -> String {
                guard let value = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw APIError(.badRequest, code: "bad_encoding",
                                   "the query string has invalid percent-encoding (or not UTF-8) in \"\(item.prefix(100))\"")
                }
                return value
            }
            pairs.append((try decoded(parts[0]), parts.count > 1 ? try decoded(parts[1]) : ""))
        }
        return pairs
    }

    private static func integer(_ values: [String: String], _ name: String, default value: Int,
                                in range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let text = values[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw .badParameter(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        return number
    }

    private static func date(_ values: [String: String], _ name: String) throws(APIError) -> String? {
        guard let text = values[name] else { return nil }
        guard Report.isValidDate(text) else {
            throw .badParameter(name, "must be a calendar date written YYYY-MM-DD, not \"\(text)\"")
        }
        return text
    }
}
